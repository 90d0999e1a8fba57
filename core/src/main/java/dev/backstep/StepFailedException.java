package dev.backstep;

/**
 * The forward action of a step failed after all its attempts. The cause is the last attempt's
 * failure.
 *
 * <pre>{@code
 * result.failure().map(Throwable::getCause); // StepFailedException("step 'migrate' failed: ...")
 * }</pre>
 */
public class StepFailedException extends StepException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    public StepFailedException(String stepName, int attempts, Throwable cause) {
        super(stepName, "step '" + stepName + "' failed"
                + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": " + describe(cause), cause);
        this.attempts = attempts;
    }

    /** How many times the action was tried. */
    public int attempts() {
        return attempts;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
