package dev.backstep;

/**
 * Every failure of a run in one throwable: the first failure is the cause, every later one
 * (compensation failures, failures of parallel siblings) is suppressed. Nothing is dropped.
 *
 * <pre>{@code
 * result.failure().ifPresent(f -> {
 *     log.error("run {} ended {}", f.runId(), f.status(), f);
 * });
 * }</pre>
 */
public class RunFailedException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final RunId runId;
    private final RunStatus status;

    public RunFailedException(RunId runId, String planName, RunStatus status, Throwable first) {
        super("run " + runId + " of plan '" + planName + "' ended " + status + ": "
                + StepFailedException.describe(first), first);
        this.runId = runId;
        this.status = status;
    }

    public RunId runId() {
        return runId;
    }

    public RunStatus status() {
        return status;
    }
}
