package dev.backstep.db.journal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import java.nio.file.Path;

/**
 * A row of a {@link JdbcJournal} table does not match its checksum or cannot be decoded: someone
 * changed it outside Backstep, or the database damaged it. Raised by {@link JdbcJournal#read}; a
 * {@link JournalCorruptedException}, so code that handles corruption of any journal catches it.
 * {@link #file()} is the table name as a path, {@link #line()} the row's sequence number plus one.
 *
 * <pre>{@code
 * try {
 *     journal.read(runId);
 * } catch (JdbcJournalCorruptedException e) {
 *     System.err.println("inspect " + e.table() + " run " + e.runId() + " seq " + e.sequence());
 * }
 * }</pre>
 */
public class JdbcJournalCorruptedException extends JournalCorruptedException {
    private static final long serialVersionUID = 1L;
    private final String table;
    private final RunId runId;
    private final long sequence;

    public JdbcJournalCorruptedException(String table, RunId runId, long sequence, String reason) {
        super(Path.of(table), sequence + 1, reason);
        this.table = table;
        this.runId = runId;
        this.sequence = sequence;
    }

    @Override
    public String getMessage() {
        return "journal table " + table + " is corrupted at run " + runId + ", seq " + sequence + ": " + reason();
    }

    /** The journal table. */
    public String table() {
        return table;
    }

    /** The run whose row is damaged. */
    public RunId runId() {
        return runId;
    }

    /** The damaged row's sequence number. */
    public long sequence() {
        return sequence;
    }
}
