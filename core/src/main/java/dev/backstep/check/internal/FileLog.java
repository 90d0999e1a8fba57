package dev.backstep.check.internal;

import dev.backstep.StepContext;
import dev.backstep.check.LogSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A log file read by inode and offset, so that rotation loses nothing: a position is the file's
 * identity (device and inode) and a byte offset. When the path names another file by the next
 * read (logrotate renamed the old one and created a new one), the rest of the old file is read
 * from where it was found in the same directory ({@code app.log.1}, {@code app.log-20261203}),
 * then the new file from its start; a file that shrank (copytruncate) is read from its start.
 * Symbolic links are not followed.
 *
 * <pre>{@code
 * LogSource log = new FileLog(Path.of("/var/log/shop/app.log"));
 * String mark = log.end(ctx);            // "(dev=803,ino=1234)@5120"
 * log.read(mark, ctx, line -> true);
 * }</pre>
 */
public final class FileLog implements LogSource {
    /** A line longer than this is handed over in pieces. */
    static final int MAX_LINE = 1 << 20;
    private static final String NONE = "none";

    private final Path file;

    public FileLog(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    }

    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public String end(StepContext ctx) throws IOException {
        BasicFileAttributes a = attributes(file);
        return a == null ? NONE + "@0" : a.fileKey() + "@" + a.size();
    }

    @Override
    public String read(String from, StepContext ctx, LineSink sink) throws IOException {
        int at = from.lastIndexOf('@');
        String key = from.substring(0, at);
        long offset = Long.parseLong(from.substring(at + 1));
        BasicFileAttributes now = attributes(file);
        if (!key.equals(NONE) && (now == null || !key.equals(String.valueOf(now.fileKey())))) {
            Path rotated = findByKey(key);
            if (rotated != null) {
                if (!readFrom(rotated, offset, sink).complete()) {
                    return from; // the sink stopped in the old file
                }
            } else {
                ctx.logger().warn("{} was rotated and the old file is gone (compressed or removed): the lines written "
                        + "to it after the check's start position are not read", file);
            }
            offset = 0;
        } else if (now != null && offset > now.size()) {
            offset = 0; // truncated in place (copytruncate)
        }
        if (now == null) {
            return NONE + "@0";
        }
        long next = readFrom(file, offset, sink).end();
        return now.fileKey() + "@" + next;
    }

    /** Where a read ended (after the last whole line handed over) and whether it reached the end of the file. */
    private record Read(long end, boolean complete) {
    }

    private static Read readFrom(Path p, long offset, LineSink sink) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.position(offset);
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long pos = offset;
            long consumed = offset;
            int b;
            while ((b = in.read()) >= 0) {
                pos++;
                if (b == '\n' || line.size() >= MAX_LINE) {
                    if (b != '\n') {
                        line.write(b);
                    }
                    consumed = pos;
                    if (!sink.accept(line.toString(StandardCharsets.UTF_8))) {
                        return new Read(consumed, false);
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                // a line still being written: looked at now, read again whole next time
                sink.accept(line.toString(StandardCharsets.UTF_8));
            }
            return new Read(consumed, true);
        } catch (NoSuchFileException e) {
            return new Read(offset, true);
        }
    }

    private Path findByKey(String key) throws IOException {
        Path dir = file.getParent();
        String base = file.getFileName().toString();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, e -> e.getFileName().toString().startsWith(base))) {
            for (Path p : ds) {
                BasicFileAttributes a = attributes(p);
                if (a != null && key.equals(String.valueOf(a.fileKey()))) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Attributes of a regular file, not following links; null when absent. */
    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                throw new IOException(p + " is a symbolic link; name the log file it points to");
            }
            return a.isRegularFile() ? a : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
