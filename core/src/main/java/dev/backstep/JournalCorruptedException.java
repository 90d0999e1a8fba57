package dev.backstep;

import java.nio.file.Path;

/**
 * A journal file is damaged somewhere other than its last record: a record whose checksum does
 * not match, a line that is not a record, or records out of order, followed by more records.
 * Backstep never skips such damage silently, because a skipped record could be the undo data a
 * rollback needs. (A torn <em>last</em> record, left by a crash during an append that never
 * returned, is tolerated and is not reported with this exception.)
 *
 * <pre>{@code
 * try {
 *     journal.read(runId);
 * } catch (JournalCorruptedException e) {
 *     System.err.println("inspect " + e.file() + " line " + e.line() + ": " + e.reason());
 * }
 * }</pre>
 */
public class JournalCorruptedException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long line;
    private final String reason;

    public JournalCorruptedException(Path file, long line, String reason) {
        super("journal file " + file + " is corrupted at line " + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The damaged line, counting from 1. */
    public long line() {
        return line;
    }

    /** What is wrong with the line, without its content. */
    public String reason() {
        return reason;
    }
}
