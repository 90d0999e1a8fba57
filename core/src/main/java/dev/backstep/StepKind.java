package dev.backstep;

/**
 * The saga role of a step.
 *
 * <pre>{@code
 * Step.named("send invoices").action(ctx -> send()).kind(StepKind.PIVOT).build();
 * }</pre>
 */
public enum StepKind {
    /** Has a compensation that undoes it. The default. */
    COMPENSATABLE,
    /**
     * The point of no return: once it succeeded, a later failure never compensates it or any step
     * before it; only the steps after it are compensated and the run ends
     * {@link RunStatus#FAILED_AFTER_PIVOT}.
     */
    PIVOT,
    /** A check without side effects (health, smoke test, metric gate); its failure triggers rollback. */
    VERIFICATION
}
