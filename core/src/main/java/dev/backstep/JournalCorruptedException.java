package dev.backstep;

import java.nio.file.Path;

/**
 * A journal file is damaged somewhere other than its last record: a record whose checksum does
 * not match, a line that is not a record, or records out of order, followed by more records; or a
 * record that matches its checksum but cannot be replayed without guessing (an unknown step kind
 * or run status, a missing step name or plan); or a run file that is a symbolic link.
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

    /** The damaged line, counting from 1; 0 when the file as a whole is refused (a symbolic link). */
    public long line() {
        return line;
    }

    /** What is wrong with the line, without its content. */
    public String reason() {
        return reason;
    }
}
