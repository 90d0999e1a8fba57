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
     * Roll back even though a later run on the same target is still applied, though the run made
     * the first release of a {@link dev.backstep.files.Release} layout (its rollback removes
     * {@code current}: there is no older release to go back to), or though a step would restore
     * data older than its {@link dev.backstep.spi.RestoreBound} (discarding every write since).
     */
    FORCE,
    /**
     * Roll back every step except those whose compensation restores data (a database snapshot
     * restored on rollback): they are reported as not compensated, and the data stays as it is.
     */
    SKIP_DATA_RESTORE
}
