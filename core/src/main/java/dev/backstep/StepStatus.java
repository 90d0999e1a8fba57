package dev.backstep;

/**
 * Where one step of a run ended.
 *
 * <pre>{@code
 * result.step("migrate").status() == StepStatus.COMPENSATED
 * }</pre>
 */
public enum StepStatus {
    /** Never started (an earlier step failed, or the run was a dry-run). */
    NOT_RUN,
    /** Succeeded and still applied. */
    SUCCEEDED,
    /**
     * Its action failed. A step that failed by throwing is considered not applied (its action must
     * leave nothing behind) and is not compensated; a step cut off in the middle — its timeout, a
     * command killed at its timeout or by an interrupt — may be partly applied and is compensated,
     * like a step whose process died (then its status becomes {@link #COMPENSATED}).
     */
    FAILED,
    /** Succeeded, then was compensated. */
    COMPENSATED,
    /** Succeeded, then its compensation failed: still applied. */
    COMPENSATION_FAILED,
    /** Succeeded and stays applied on purpose: irreversible, or at or before a pivot. */
    NOT_COMPENSATED,
    /** Was running when the run was interrupted. */
    INTERRUPTED;

    /** True when the step's effect is (or may be) still in place. */
    public boolean isApplied() {
        return this == SUCCEEDED || this == COMPENSATION_FAILED || this == NOT_COMPENSATED || this == INTERRUPTED;
    }
}
