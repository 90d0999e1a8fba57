package dev.backstep.benchmarks;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.List;

/**
 * Forwards the four methods every journal implements (append, appendAll, read, runIds) to
 * {@code journal}; everything else is {@link Journal}'s default unless a subclass forwards it too.
 */
class ForwardingJournal implements Journal {
    final Journal journal;

    ForwardingJournal(Journal journal) {
        this.journal = journal;
    }

    @Override
    public void append(JournalRecord record) {
        journal.append(record);
    }

    @Override
    public void appendAll(List<JournalRecord> records) {
        journal.appendAll(records);
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
