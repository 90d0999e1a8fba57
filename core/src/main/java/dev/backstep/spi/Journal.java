package dev.backstep.spi;

import dev.backstep.RunId;
import dev.backstep.internal.InMemoryJournal;
import java.util.List;

/**
 * Where the runner writes every event of every run, in order, append-only. A durable journal is
 * what lets a finished run be rolled back later and an interrupted run be finished by another
 * process.
 *
 * <p>Implementations are thread-safe: steps of a parallel group append concurrently. {@link
 * #append} returns only once the record is as durable as the journal promises (a directory
 * journal has fsynced it).
 *
 * <pre>{@code
 * Runner runner = Backstep.runner().journal(Journal.inMemory()).build();
 * }</pre>
 */
public interface Journal extends AutoCloseable {

    /** Appends a record; durable when this returns. */
    void append(JournalRecord record);

    /** All records of a run, in sequence order; empty when the run is unknown. */
    List<JournalRecord> read(RunId runId);

    /** Every run in this journal, oldest first. */
    List<RunId> runIds();

    @Override
    default void close() {
    }

    /** A journal that lives as long as this object: for tests and one-shot tools. */
    static Journal inMemory() {
        return new InMemoryJournal();
    }
}
