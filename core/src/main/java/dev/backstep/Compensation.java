package dev.backstep;

import java.util.Optional;
import java.util.Set;

/**
 * Undoes a step from the values the step {@link StepContext#record recorded}, never from
 * in-memory objects, so that it can run in another process days later. Compensations must be
 * idempotent: after a crash they may run twice.
 *
 * <pre>{@code
 * Compensation c = ctx -> ctx.recorded("previous").ifPresent(v -> writeVersion(v));
 * Compensation irreversible = Compensation.none("e-mails cannot be unsent");
 * }</pre>
 */
@FunctionalInterface
public interface Compensation {

    void compensate(StepContext ctx) throws Exception;

    /**
     * Checks, from the recorded values alone, that this compensation can do its work now; called
     * by {@link Runner#rollback(RunId, RollbackOption...)} for every compensation that rollback
     * would run, before any of them runs. Throwing refuses the whole rollback with a
     * {@link RollbackRefusedException} naming the step and the reason, and nothing is changed
     * (the release steps refuse when the release they would switch back to is gone). Live
     * rollbacks and {@link Runner#recover(Plan...)} do not call it: they restore what was there before
     * the run, so the compensation itself must still fail loudly when it cannot. Must not change
     * anything. The default accepts.
     *
     * <pre>{@code
     * public void precheck(StepContext ctx, Set<RollbackOption> options) {
     *     ctx.recorded("backup").map(Path::of).filter(Files::notExists).ifPresent(p -> {
     *         throw new IllegalStateException("backup " + p + " is gone");
     *     });
     * }
     * }</pre>
     *
     * @param options the options the rollback was asked with ({@link RollbackOption#FORCE})
     */
    default void precheck(StepContext ctx, Set<RollbackOption> options) throws Exception {
        // accepts: most compensations need nothing that can disappear between run and rollback
    }

    /** Present when this step cannot be undone; the text says why. */
    default Optional<String> irreversibleReason() {
        return Optional.empty();
    }

    /** A compensation for a step that cannot be undone (a notification, a pivot). */
    static Compensation none(String why) {
        PlanDefinitionException.requireNonNull(why, null, "the reason");
        if (why.isBlank()) {
            throw new PlanDefinitionException(null, null, "Compensation.none needs a reason, was '" + why + "'");
        }
        return new Compensation() {
            @Override
            public void compensate(StepContext ctx) {
                // nothing can be undone; the runner reports the step as not reversible
            }

            @Override
            public Optional<String> irreversibleReason() {
                return Optional.of(why);
            }

            @Override
            public String toString() {
                return "none(" + why + ")";
            }
        };
    }
}
