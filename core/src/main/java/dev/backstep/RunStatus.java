package dev.backstep;

/**
 * How a run ended.
 *
 * <pre>{@code
 * if (result.status() == RunStatus.ROLLBACK_FAILED) page(result.stillApplied());
 * }</pre>
 */
public enum RunStatus {
    /** Every step and verification succeeded. */
    SUCCEEDED,
    /**
     * A step or verification failed and every completed step was compensated, except steps
     * declared irreversible ({@link Compensation#none}): those are reported
     * {@link StepStatus#NOT_COMPENSATED} and listed by {@link RunResult#stillApplied()}.
     */
    ROLLED_BACK,
    /**
     * A compensation failed after its retries: {@link RunResult#stillApplied()} names the steps
     * still in effect. Needs attention.
     */
    ROLLBACK_FAILED,
    /**
     * A step failed after a pivot succeeded: the steps after the pivot were compensated, the pivot
     * and everything before it stay applied (see {@link RunResult#stillApplied()}).
     */
    FAILED_AFTER_PIVOT,
    /**
     * The run stopped without finishing or rolling back (the thread was interrupted, the process
     * died). {@link Runner#recover(Plan...)} finishes it from the journal.
     */
    INTERRUPTED;

    /** True for every status but {@link #SUCCEEDED}. */
    public boolean isFailure() {
        return this != SUCCEEDED;
    }
}
