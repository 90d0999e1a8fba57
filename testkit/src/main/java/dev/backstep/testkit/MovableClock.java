package dev.backstep.testkit;

import dev.backstep.PlanDefinitionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock a test moves forward without sleeping: to pass a snapshot's maximum age, a lock's
 * TTL or a retention age, give it to the runner and {@link #advance} it. Thread-safe.
 *
 * <pre>{@code
 * MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
 * Runner runner = Backstep.runner().clock(clock).build();
 * runner.run(plan);
 * clock.advance(Duration.ofDays(2));   // the snapshot is now two days old
 * assertThat(runner.rollback(runId)).rolledBack();
 * }</pre>
 */
public class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    /** A clock standing at {@code start} until advanced. */
    public MovableClock(Instant start) {
        now = new AtomicReference<>(PlanDefinitionException.requireNonNull(start, null, "the start instant"));
    }

    /** Moves the clock forward (or, with a negative duration, back) by {@code d}. */
    public void advance(Duration d) {
        PlanDefinitionException.requireNonNull(d, null, "the duration");
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock: it always tells UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
