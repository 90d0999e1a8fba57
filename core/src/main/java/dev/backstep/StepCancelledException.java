package dev.backstep;

/**
 * A step noticed that it was cancelled (timeout or shutdown) and stopped.
 *
 * <pre>{@code
 * for (Path f : files) { ctx.throwIfCancelled(); copy(f); }
 * }</pre>
 */
public class StepCancelledException extends StepException {
    private static final long serialVersionUID = 1L;

    public StepCancelledException(String stepName) {
        super(stepName, "step '" + stepName + "' was cancelled");
    }
}
