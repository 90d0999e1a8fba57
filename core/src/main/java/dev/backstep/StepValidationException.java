package dev.backstep;

/**
 * A step's input is wrong (an unknown git ref, a path outside its base directory, a missing
 * file). Raised by {@link Step#validate(StepContext)} before any step of the run changes anything.
 *
 * <pre>{@code
 * throw new StepValidationException(name(), "ref 'v9.9.9' does not exist in " + repo);
 * }</pre>
 */
public class StepValidationException extends StepException {
    private static final long serialVersionUID = 1L;

    public StepValidationException(String stepName, String problem) {
        super(stepName, "step '" + stepName + "': " + problem);
    }

    public StepValidationException(String stepName, String problem, Throwable cause) {
        super(stepName, "step '" + stepName + "': " + problem, cause);
    }
}
