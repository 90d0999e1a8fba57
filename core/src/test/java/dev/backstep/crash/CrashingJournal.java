package dev.backstep.crash;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child's journal: appends to the durable one, and after record number {@code crashAfter} prints
 * its CRASH-POINT line and blocks until the parent kills the process (see {@link ChildJvm}).
 */
final class CrashingJournal implements Journal {
    private final Journal durable;
    private final int crashAfter;
    private final AtomicInteger count;

    CrashingJournal(Journal durable, int crashAfter, AtomicInteger count) {
        this.durable = durable;
        this.crashAfter = crashAfter;
        this.count = count;
    }

    @Override
    public void append(JournalRecord record) {
        durable.append(record);
        if (count.incrementAndGet() == crashAfter) {
            System.out.println("CRASH-POINT " + crashAfter + " after " + record.type()
                    + record.step().map(s -> " " + s).orElse(""));
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // keep blocking: only SIGKILL ends this process
                }
            }
        }
    }

    @Override
    public List<JournalRecord> read(RunId runId) {
        return durable.read(runId);
    }

    @Override
    public List<RunId> runIds() {
        return durable.runIds();
    }
}
