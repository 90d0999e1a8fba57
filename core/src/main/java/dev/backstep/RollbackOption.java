package dev.backstep;

/**
 * Options of {@link Runner#rollback(RunId, RollbackOption...)}.
 *
 * <pre>{@code
 * runner.rollback(id, RollbackOption.FORCE);
 * }</pre>
 */
public enum RollbackOption {
    /** Roll back even though a later run on the same target is still applied. */
    FORCE
}
