package dev.backstep;

/**
 * A rollback was asked for a run that has nothing left to undo: it was rolled back already, or
 * none of its steps is applied. Host tools map this to "nothing to roll back" (distinct from
 * "rolled back").
 *
 * <pre>{@code
 * try { runner.rollback(id); } catch (NothingToRollBackException e) { System.exit(3); }
 * }</pre>
 */
public class NothingToRollBackException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final RunId runId;

    public NothingToRollBackException(RunId runId, String why) {
        super("nothing to roll back for run " + runId + ": " + why);
        this.runId = runId;
    }

    public RunId runId() {
        return runId;
    }
}
