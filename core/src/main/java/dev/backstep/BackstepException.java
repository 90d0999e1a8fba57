package dev.backstep;

/**
 * Root of every exception Backstep throws on purpose.
 *
 * <p>Catch this to handle any Backstep failure; catch a subtype to react to one cause. Every
 * subtype names what failed (a plan, a step, a command, a path) in its message and, where it
 * helps, in accessors.
 *
 * <pre>{@code
 * try {
 *     runner.run(plan);
 * } catch (BackstepException e) {
 *     alert(e.getMessage());
 * }
 * }</pre>
 */
public class BackstepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackstepException(String message) {
        super(message);
    }

    public BackstepException(String message, Throwable cause) {
        super(message, cause);
    }
}
