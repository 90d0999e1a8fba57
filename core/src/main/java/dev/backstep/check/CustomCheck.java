package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import dev.backstep.StepAction;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.check.internal.Attempt;
import dev.backstep.check.internal.Polling;
import dev.backstep.check.internal.Texts;
import java.time.Duration;

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
public final class CustomCheck implements VerificationStep {
    /** The {@link #type()} of custom checks. */
    public static final String TYPE = "check.custom";

    private final String name;
    private final StepAction action;
    private final Polling polling;

    private CustomCheck(String name, StepAction action, Polling polling) {
        this.name = name;
        this.action = action;
        this.polling = polling;
    }

    static CustomCheck of(String name, StepAction action) {
        Checks.name("that", name);
        if (action == null) {
            throw new PlanDefinitionException(null, name, "the check action is null");
        }
        return new CustomCheck(name, action, Polling.ONCE);
    }

    /** Keeps trying until the action passes or {@code deadline} has passed (default: one attempt). */
    public CustomCheck within(Duration deadline) {
        return new CustomCheck(name, action, polling.within(name, deadline));
    }

    /** The pause between attempts (default 1 s). */
    public CustomCheck every(Duration interval) {
        return new CustomCheck(name, action, polling.every(name, interval));
    }

    /** How many passes in a row are needed (default 1); needs {@link #within}. */
    public CustomCheck consecutive(int passes) {
        return new CustomCheck(name, action, polling.consecutive(name, passes));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void validate(StepContext ctx) {
        Checks.validate(name, polling);
    }

    /**
     * Runs the action until it passes.
     *
     * @throws CheckFailedException when it did not, in time
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        polling.run(ctx, name, () -> attempt(ctx));
    }

    private Attempt attempt(StepContext ctx) throws Exception {
        try {
            action.run(ctx);
            return Attempt.pass("passed");
        } catch (InterruptedException | StepCancelledException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            return Attempt.fail(Texts.message(e), e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String describe() {
        return "check " + name + polling.describe();
    }

    @Override
    public String toString() {
        return "CustomCheck[" + name + "]";
    }
}
