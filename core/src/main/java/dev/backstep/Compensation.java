package dev.backstep;

import java.util.Objects;
import java.util.Optional;

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

    /** Present when this step cannot be undone; the text says why. */
    default Optional<String> irreversibleReason() {
        return Optional.empty();
    }

    /** A compensation for a step that cannot be undone (a notification, a pivot). */
    static Compensation none(String why) {
        Objects.requireNonNull(why, "why");
        if (why.isBlank()) {
            throw new IllegalArgumentException("Compensation.none needs a reason");
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
