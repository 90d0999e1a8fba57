package dev.backstep;

/**
 * A rollback was refused before anything changed: a later run on the same target is still
 * applied (roll that back first, or force), the run has not finished (use {@link Runner#recover}),
 * no run of the target was marked good, or a step's {@link Compensation#precheck precheck} found
 * that its compensation cannot work (the release it would switch back to is gone).
 *
 * <pre>{@code
 * runner.rollback(id, RollbackOption.FORCE); // when you know the later run does not matter
 * }</pre>
 */
public class RollbackRefusedException extends BackstepException {
    private static final long serialVersionUID = 1L;

    public RollbackRefusedException(String message) {
        super(message);
    }

    public RollbackRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
