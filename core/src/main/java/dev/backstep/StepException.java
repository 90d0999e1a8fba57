package dev.backstep;

/**
 * A failure that belongs to one step: its forward action, its compensation or its input.
 * {@link #stepName()} tells which.
 *
 * <pre>{@code
 * catch (StepException e) { log.error("step {} failed", e.stepName(), e); }
 * }</pre>
 */
public class StepException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final String stepName;

    public StepException(String stepName, String message, Throwable cause) {
        super(message, cause);
        this.stepName = stepName;
    }

    public StepException(String stepName, String message) {
        super(message);
        this.stepName = stepName;
    }

    /** The step this failure belongs to. */
    public String stepName() {
        return stepName;
    }
}
