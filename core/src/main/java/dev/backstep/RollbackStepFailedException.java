package dev.backstep;

/**
 * A step of a rollback's last phase failed after all its attempts: an {@code afterRollback} step
 * (a restart, a cache rebuild) or a {@code verifyAfterRollback} check of the restored system. The
 * run ends {@link RunStatus#ROLLBACK_FAILED}; the cause is the last attempt's failure.
 *
 * <pre>{@code
 * result.failure().map(Throwable::getCause)
 *     // RollbackStepFailedException("after-rollback check 'health' failed: expected 200 but was 503")
 * }</pre>
 */
public class RollbackStepFailedException extends StepException {
    private static final long serialVersionUID = 1L;
    private final boolean verification;

    public RollbackStepFailedException(String stepName, boolean verification, int attempts, Throwable cause) {
        super(stepName, "after-rollback " + (verification ? "check" : "step") + " '" + stepName + "' failed"
                + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": "
                + StepFailedException.describe(cause), cause);
        this.verification = verification;
    }

    /** True for a {@code verifyAfterRollback} check, false for an {@code afterRollback} step. */
    public boolean verification() {
        return verification;
    }
}
