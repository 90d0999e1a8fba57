package dev.backstep.spi;

import dev.backstep.PlanDefinitionException;
import dev.backstep.RunId;
import java.util.List;

/**
 * A journal that passes the three methods every journal implements ({@link #append}, {@link #read},
 * {@link #runIds}) to another one, for wrappers that watch, time or interrupt its appends. Every
 * other method stays {@link Journal}'s default, built on these three: an override of
 * {@code append} sees every record, also those appended by {@code appendAll} or
 * {@code appendLazily}, and {@code runsOf} reads every run. Override a default to forward it too
 * when the wrapped journal's own is wanted (its batched {@code appendAll}, its index, its
 * {@code close}).
 *
 * <pre>{@code
 * Journal counting = new ForwardingJournal(Journal.directory(dir)) {
 *     @Override
 *     public void append(JournalRecord record) {
 *         super.append(record);
 *         appended.incrementAndGet();
 *     }
 * };
 * }</pre>
 */
public abstract class ForwardingJournal implements Journal {
    private final Journal journal;

    /** Forwards to {@code journal}. */
    protected ForwardingJournal(Journal journal) {
        this.journal = PlanDefinitionException.requireNonNull(journal, null, "the journal");
    }

    /** The journal this one forwards to. */
    protected final Journal delegate() {
        return journal;
    }

    @Override
    public void append(JournalRecord record) {
        journal.append(record);
    }

    @Override
    public List<JournalRecord> read(RunId runId) {
        return journal.read(runId);
    }

    @Override
    public List<RunId> runIds() {
        return journal.runIds();
    }
}
