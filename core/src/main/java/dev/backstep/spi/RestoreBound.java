package dev.backstep.spi;

import dev.backstep.StepContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Declares that a step's compensation restores data captured at {@link #capturedAt()} (a
 * database snapshot, a copy of a data directory), and so would discard every write made since.
 * A step records it from its action; {@link dev.backstep.Runner#rollback} then refuses up front
 * to restore data older than {@link #maxAge()} unless told to
 * ({@link dev.backstep.RollbackOption#FORCE}) or told to leave the data as it is
 * ({@link dev.backstep.RollbackOption#SKIP_DATA_RESTORE}). Rollbacks during the run itself are
 * not bounded.
 *
 * <pre>{@code
 * public void execute(StepContext ctx) {
 *     Instant now = ctx.clock().instant();
 *     dump(...);
 *     new RestoreBound(now, Duration.ofHours(6)).recordIn(ctx);
 * }
 * }</pre>
 *
 * @param capturedAt when the data the compensation restores was captured
 * @param maxAge how old it may be for a later rollback to restore it without being told to
 */
public record RestoreBound(Instant capturedAt, Duration maxAge) {
    /** The recorded key of {@link #capturedAt()} (ISO-8601). */
    public static final String CAPTURED_AT = "backstep.restore.capturedAt";
    /** The recorded key of {@link #maxAge()} (ISO-8601 duration). */
    public static final String MAX_AGE = "backstep.restore.maxAge";

    public RestoreBound {
        Objects.requireNonNull(capturedAt, "capturedAt");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new dev.backstep.BackstepException("the maximum age of restored data must be positive, was "
                    + maxAge);
        }
    }

    /** Records this bound as undo data of the step whose action {@code ctx} belongs to. */
    public void recordIn(StepContext ctx) {
        ctx.record(CAPTURED_AT, capturedAt.toString());
        ctx.record(MAX_AGE, maxAge.toString());
    }

    /**
     * The bound in a step's recorded values, if it recorded one.
     *
     * @throws dev.backstep.BackstepException when the recorded values are unreadable
     */
    public static Optional<RestoreBound> of(Map<String, String> recorded) {
        String at = recorded.get(CAPTURED_AT);
        String max = recorded.get(MAX_AGE);
        if (at == null || max == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RestoreBound(Instant.parse(at), Duration.parse(max)));
        } catch (java.time.format.DateTimeParseException e) {
            throw new dev.backstep.BackstepException("unreadable restore bound (" + CAPTURED_AT + "=" + at + ", "
                    + MAX_AGE + "=" + max + ")", e);
        }
    }

    /** How old the data is at {@code now}. */
    public Duration ageAt(Instant now) {
        return Duration.between(capturedAt, now);
    }

    /** Whether the data is older than {@link #maxAge()} at {@code now}. */
    public boolean expiredAt(Instant now) {
        return ageAt(now).compareTo(maxAge) > 0;
    }
}
