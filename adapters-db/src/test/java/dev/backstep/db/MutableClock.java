package dev.backstep.db;

import dev.backstep.testkit.MovableClock;
import java.time.Instant;

/** A clock a test moves forward by days without sleeping. */
final class MutableClock extends MovableClock {
    MutableClock(Instant start) {
        super(start);
    }
}
