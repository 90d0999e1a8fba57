package dev.backstep;

/**
 * Options of {@link Runner#rollback(RunId, RollbackOption...)}.
 *
 * <pre>{@code
 * runner.rollback(id, RollbackOption.FORCE);
 * }</pre>
 */
public enum RollbackOption {
    /**
     * Roll back even though a later run on the same target is still applied, or though the run
     * made the first release of a {@link dev.backstep.files.Release} layout (its rollback removes
     * {@code current}: there is no older release to go back to).
     */
    FORCE
}
