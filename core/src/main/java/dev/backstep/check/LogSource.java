package dev.backstep.check;

import dev.backstep.StepContext;
import java.time.Instant;
import java.util.Optional;

/**
 * A log a {@link LogCheck} reads: a file, a systemd journal, a container's output. A position is
 * an opaque string the source makes and reads back (a file's inode and offset, a journal cursor,
 * a timestamp). Adapters implement it ({@code Systemd.logs}, {@code Compose.logs}); implementations
 * must be immutable, thread-safe and read-only.
 *
 * <pre>{@code
 * LogSource access = new LogSource() {
 *     public String describe() { return "access log"; }
 *     public String end(StepContext ctx) { return Long.toString(size(file)); }
 *     public String read(String from, StepContext ctx, LineSink sink) { ... return Long.toString(newOffset); }
 * };
 * Step quiet = Check.log(access).since(Since.RUN_START).noneMatch(" 5\\d\\d ");
 * }</pre>
 */
public interface LogSource {

    /** What the log is, for names and messages: {@code file /var/log/shop/app.log}. */
    String describe();

    /** The position of the end of the log now; what is written later lies after it. */
    String end(StepContext ctx) throws Exception;

    /**
     * The position of the log at an earlier instant, for logs whose lines carry a time; empty
     * (the default) for logs that cannot be read back in time.
     */
    default Optional<String> at(Instant when, StepContext ctx) throws Exception {
        return Optional.empty();
    }

    /**
     * Reads, read-only, the whole lines written after {@code from}, in order, handing each to
     * {@code sink} until it returns false; returns the position after the last line handed over.
     */
    String read(String from, StepContext ctx, LineSink sink) throws Exception;

    /** Receives lines; returns false to stop reading. */
    @FunctionalInterface
    interface LineSink {
        boolean accept(String line);
    }
}
