package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepAction;
import dev.backstep.StepContext;

/**
 * A check of your own: passes when the action returns, fails when it throws (an exception or an
 * {@link AssertionError}, so AssertJ assertions work), with the same polling as the other
 * checks. Built by {@link Check#that(String, StepAction)}; immutable. The action must not change
 * anything: a check is never compensated.
 *
 * <pre>{@code
 * Step queue = Check.that("queue drained", ctx -> assertThat(queue.depth()).isZero())
 *     .within(Duration.ofMinutes(1)).every(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>A failure is the check's name, the last failed attempt's message (AssertJ's, for an
 * assertion) and the summary of the last attempts ({@code [12 attempts within 1 min; last 3:
 * AssertionFailedError, ...]}); its cause is the last attempt's exception.
 */
public final class CustomCheck extends PollingCheck<CustomCheck> {
    /** The {@link #type()} of custom checks. */
    public static final String TYPE = "check.custom";

    private final StepAction action;

    private CustomCheck(String name, StepAction action, Schedule schedule) {
        super(name, TYPE, schedule);
        this.action = action;
    }

    static CustomCheck of(String name, StepAction action) {
        Checks.name("that", name);
        if (action == null) {
            throw new PlanDefinitionException(null, name, "the check action is null");
        }
        return new CustomCheck(name, action, Schedule.ONCE);
    }

    @Override
    protected CustomCheck copy(String name, Schedule schedule) {
        return new CustomCheck(name, action, schedule);
    }

    /**
     * Runs the action until it passes.
     *
     * @throws CheckFailedException when it did not, in time
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        poll(ctx, action);
    }

    @Override
    public String describe() {
        return "check " + name() + polled();
    }
}
