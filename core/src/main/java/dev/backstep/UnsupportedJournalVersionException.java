package dev.backstep;

import java.nio.file.Path;

/**
 * A journal record was written in a newer record format than this Backstep reads: the journal
 * is shared with (or was last used by) a newer version. Nothing is changed: the record is not
 * taken for a torn write, the file is not truncated, the run is neither appended to nor rolled
 * back. Upgrade Backstep to use the journal. A {@link JournalCorruptedException}, so code that
 * handles unusable journals (and {@link Runner#recover}, which reports such a run in
 * {@link Recovery#unrecoverable()}) handles it too.
 *
 * <pre>{@code
 * } catch (UnsupportedJournalVersionException e) {
 *     System.err.println(e.file() + " line " + e.line() + " needs format " + e.version());
 * }
 * }</pre>
 */
public class UnsupportedJournalVersionException extends JournalCorruptedException {
    private static final long serialVersionUID = 1L;
    private final long version;
    private final long supported;

    public UnsupportedJournalVersionException(Path file, long line, long version, long supported) {
        super(file, line, "record format version " + version + " is newer than version " + supported
                + ", the newest this Backstep reads: upgrade Backstep to use this journal; nothing was changed");
        this.version = version;
        this.supported = supported;
    }

    @Override
    public String getMessage() {
        return "journal file " + file() + " line " + line() + ": " + reason();
    }

    /** The record's format version. */
    public long version() {
        return version;
    }

    /** The newest format version this Backstep reads. */
    public long supported() {
        return supported;
    }
}
