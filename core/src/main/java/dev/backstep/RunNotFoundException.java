package dev.backstep;

/**
 * The journal has no run with this id.
 *
 * <pre>{@code
 * runner.rollback(RunId.of("20261122-014500-3f9a1c")); // throws when the id is unknown
 * }</pre>
 */
public class RunNotFoundException extends BackstepException {
    private static final long serialVersionUID = 1L;

    public RunNotFoundException(RunId runId) {
        super("no run " + runId + " in the journal");
    }
}
