package dev.backstep.cli;

/**
 * The exit codes of {@code backstep}, one per outcome; {@code backstep rollback --help} lists them.
 *
 * <pre>{@code
 * int code = BackstepCli.run(new String[] {"rollback", "--auto"}, System.out, System.err);
 * if (code == ExitCode.NOTHING.code()) { ... }   // already at the last good run
 * }</pre>
 */
public enum ExitCode {
    /** Rolled back (every run), listed, previewed, recovered (or nothing to recover), journal sound. */
    OK(0, "done: rolled back, listed, previewed, recovered, or the journal is sound"),
    /** A rollback or recovery failed: something is still applied and needs attention. */
    FAILED(1, "a rollback or recovery failed: something is still applied (needs attention)"),
    /** Refused before anything changed (a later run is applied, a precheck failed, no good run, unfinished run). */
    REFUSED(2, "refused, nothing changed (later run applied, precheck failed, no good run, unfinished run)"),
    /** Nothing to roll back: already at that run, or the run was rolled back already. */
    NOTHING(3, "nothing to roll back"),
    /** {@code --verify} (or a rollback) found damaged journal records; nothing was changed. */
    DAMAGED(4, "the journal has damaged runs (each listed with file and line); nothing changed"),
    /** The run id or version is not in the journal; nothing was changed. */
    NOT_FOUND(5, "unknown run id or version, nothing changed"),
    /** Another live process holds the target's lock; nothing was changed. */
    LOCKED(6, "the target is locked by another live process, nothing changed"),
    /** Bad arguments; nothing was changed. */
    USAGE(64, "bad arguments, nothing changed"),
    /** Unexpected error (the journal cannot be read or written). */
    ERROR(70, "unexpected error (journal unreachable, I/O)"),
    /** The config file is missing or invalid; nothing was changed. */
    CONFIG(78, "missing or invalid config file, nothing changed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }

    /** One line for {@code --help}. */
    public String meaning() {
        return meaning;
    }
}
