package dev.backstep;

/**
 * How {@link Runner#rehearse(Plan, RehearsalOptions)} rehearses a plan.
 *
 * <pre>{@code
 * RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());
 * assert m.restoredExactlyAtEveryPoint() : m.toText();
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param cleanRun whether to apply the plan once more for real when every failure point was
 *     restored exactly (that run stays applied)
 */
public record RehearsalOptions(boolean cleanRun) {

    /**
     * A forced failure after each stage of the plan in turn (a step, or a parallel group), each
     * followed by a comparison of every fingerprint; then one clean run.
     */
    public static RehearsalOptions everyStep() {
        return new RehearsalOptions(true);
    }

    /** These options without the final clean run: the plan is left rolled back. */
    public RehearsalOptions withoutCleanRun() {
        return new RehearsalOptions(false);
    }
}
