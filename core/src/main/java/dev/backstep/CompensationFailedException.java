package dev.backstep;

/**
 * The compensation of a step failed after all its attempts: the step is still applied and needs
 * attention. The run ends {@link RunStatus#ROLLBACK_FAILED}.
 *
 * <pre>{@code
 * for (Throwable t : result.failure().orElseThrow().getSuppressed()) {
 *     if (t instanceof CompensationFailedException c) page("still applied: " + c.stepName());
 * }
 * }</pre>
 */
public class CompensationFailedException extends StepException {
    private static final long serialVersionUID = 1L;

    public CompensationFailedException(String stepName, int attempts, Throwable cause) {
        super(stepName, "compensation of step '" + stepName + "' failed"
                + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": "
                + StepFailedException.describe(cause), cause);
    }
}
