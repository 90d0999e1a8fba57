package dev.backstep.testkit;

import dev.backstep.PlanDefinitionException;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The journal of a child JVM that a crash test kills at a chosen record: it appends every record
 * to the durable journal and, right after the one {@code at} accepts is durable, prints
 * {@code line} of it on standard output (the parent's cue) and blocks until the process is
 * killed: an interrupt does not end the wait, so the run never goes on. {@link CrashRehearsal}
 * uses it at every boundary in turn; use it for a crash test of your own.
 *
 * <pre>{@code
 * // the child JVM's main
 * long[] n = {0};
 * Journal journal = FreezingJournal.after(Journal.directory(state.resolve("journal")),
 *         r -> ++n[0] == crashAfter, r -> "CRASH-POINT " + crashAfter);
 * runner(journal).run(plan);  // the parent reads CRASH-POINT, SIGKILLs this JVM, then recover()s
 * }</pre>
 *
 * <p>{@code at} is asked once per record, in append order, so it may count.
 */
public final class FreezingJournal extends ForwardingJournal {
    private final Predicate<JournalRecord> at;
    private final Function<JournalRecord, String> line;

    private FreezingJournal(Journal durable, Predicate<JournalRecord> at, Function<JournalRecord, String> line) {
        super(durable);
        this.at = PlanDefinitionException.requireNonNull(at, null, "the record to freeze at");
        this.line = PlanDefinitionException.requireNonNull(line, null, "the line to print");
    }

    /** Appends to {@code durable}; after the record {@code at} accepts, prints {@code line} of it and blocks. */
    public static FreezingJournal after(Journal durable, Predicate<JournalRecord> at,
                                        Function<JournalRecord, String> line) {
        return new FreezingJournal(durable, at, line);
    }

    @Override
    public void append(JournalRecord record) {
        super.append(record);
        if (at.test(record)) {
            System.out.println(line.apply(record));
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
}
