package dev.backstep.crash;

import dev.backstep.spi.Journal;
import dev.backstep.testkit.FreezingJournal;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child's journal: appends to the durable one, and after record number {@code crashAfter} prints
 * its CRASH-POINT line and blocks until the parent kills the process (see {@link ChildJvm}).
 */
final class CrashingJournal {
    private CrashingJournal() {
    }

    static Journal of(Journal durable, int crashAfter, AtomicInteger count) {
        return FreezingJournal.after(durable, record -> count.incrementAndGet() == crashAfter,
                record -> "CRASH-POINT " + crashAfter + " after " + record.type()
                        + record.step().map(s -> " " + s).orElse(""));
    }
}
