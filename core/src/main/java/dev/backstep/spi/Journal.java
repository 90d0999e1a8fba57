package dev.backstep.spi;

import dev.backstep.RunId;
import dev.backstep.internal.DirectoryJournal;
import dev.backstep.internal.InMemoryJournal;
import java.nio.file.Path;
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

    /**
     * The durable default: one append-only JSON-lines file per run under {@code dir/runs}, each
     * record checksummed and fsynced before {@link #append} returns; owner-only files (0600) and
     * directories (0700). A torn last record (a crash during an append) is ignored; damage
     * anywhere else raises {@link dev.backstep.JournalCorruptedException}. Creates {@code dir}
     * when missing.
     *
     * <pre>{@code
     * try (Journal journal = Journal.directory(Path.of("/var/lib/shop/backstep"))) {
     *     Backstep.runner().journal(journal).build().run(plan);
     * }
     * }</pre>
     *
     * @throws dev.backstep.BackstepException when {@code dir} cannot be created or written
     */
    static Journal directory(Path dir) {
        return new DirectoryJournal(dir);
    }
}
