package dev.backstep.db.internal;

import dev.backstep.BackstepException;
import dev.backstep.db.DbEngine;
import dev.backstep.db.DbException;
import dev.backstep.db.Snapshot;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * {@link Snapshot#adopt}: checks that a file is a complete dump of the engine, then copies it
 * (decompressed) into an owner-only snapshot with a manifest. The original is only read, never
 * through a symbolic link.
 */
public final class Adoption {
    private static final int EDGE = 8192;
    private static final byte[] PGDMP = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SQLITE = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private Adoption() {
    }

    /** What one pass over the (decompressed) content found. */
    private record Content(String format, String sha256, long size, String problem) {
    }

    public static Snapshot adopt(Path dump, DbEngine engine, Path dir) {
        if (Files.isSymbolicLink(dump)) {
            throw new DbException(null, "dump " + dump + " is a symbolic link: adopt the file it points to");
        }
        if (!Files.isRegularFile(dump, LinkOption.NOFOLLOW_LINKS)) {
            throw new DbException(null, "dump " + dump + " does not exist or is not a regular file");
        }
        if (engine == DbEngine.H2) {
            throw new DbException(null, "adopting h2 dumps is not supported: take them with Db.h2(url).snapshot(dir)");
        }
        BasicFileAttributes attrs;
        Content content;
        try {
            attrs = Files.readAttributes(dump, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.size() == 0) {
                throw new DbException(null, "dump " + dump + " is empty");
            }
            content = inspect(dump, engine, null);
        } catch (IOException e) {
            throw new DbException(null, "cannot read dump " + dump + ": " + e.getMessage(), e);
        }
        if (content.problem() != null) {
            throw new DbException(null, "dump " + dump + " " + content.problem());
        }
        boolean gzip = isGzip(dump);
        if ("custom".equals(content.format()) && !gzip) {
            checkArchive(dump, dump); // read-only; a gzipped archive is checked as the copy below
        }
        String problem = Snapshots.checkDir(dir);
        if (problem != null) {
            throw new DbException(null, problem);
        }
        Snapshots.ensureDir(null, dir);
        String ext = engine == DbEngine.SQLITE ? ".sqlite" : "custom".equals(content.format()) ? ".pgdump" : ".sql";
        String base = dump.getFileName().toString().replaceFirst("(?i)\\.gz$", "")
                .replaceFirst("\\.[A-Za-z0-9]{1,8}$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path copy = Snapshots.newFile(null, dir, engine.id() + "-adopted-" + base, ext, Instant.now());
        try {
            Content copied = inspect(dump, engine, copy);
            if (!copied.sha256().equals(content.sha256())) {
                throw new DbException(null, "dump " + dump + " changed while it was being adopted");
            }
            if ("custom".equals(content.format()) && gzip) {
                checkArchive(dump, copy);
            }
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("adoptedFrom", dump.toAbsolutePath().toString());
            extra.put("format", content.format());
            return Snapshots.seal(null, copy, engine, "adopted:" + dump.toAbsolutePath(),
                    attrs.lastModifiedTime().toInstant(), extra);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException ignored) {
                // an empty or partial copy in the owner-only directory; the error says what failed
            }
            if (e instanceof BackstepException b) {
                throw b;
            }
            throw new DbException(null, "cannot copy dump " + dump + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            return false;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), 1 << 16);
        raw.mark(2);
        boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        return gz ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
    }

    /**
     * Reads the decompressed content once (copying it into {@code copy} when given): its sha256,
     * its format, and what makes it no complete dump of {@code engine} (null when it is one).
     */
    private static Content inspect(Path dump, DbEngine engine, Path copy) throws IOException {
        MessageDigest md = Jdbc.sha256();
        byte[] head = new byte[EDGE];
        int headLen = 0;
        byte[] tail = new byte[EDGE];
        long size = 0;
        String forbidden = null;
        StringBuilder line = new StringBuilder(); // the first characters of the current line
        try (InputStream in = new DigestInputStream(open(dump), md);
             OutputStream out = copy == null ? OutputStream.nullOutputStream()
                     : Files.newOutputStream(copy, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                             LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                int h = Math.min(n, EDGE - headLen);
                if (h > 0) {
                    System.arraycopy(buf, 0, head, headLen, h);
                    headLen += h;
                }
                if (n >= EDGE) {
                    System.arraycopy(buf, n - EDGE, tail, 0, EDGE);
                } else {
                    System.arraycopy(tail, n, tail, 0, EDGE - n);
                    System.arraycopy(buf, 0, tail, EDGE - n, n);
                }
                size += n;
                if (forbidden == null && engine != DbEngine.SQLITE && !startsWith(head, headLen, PGDMP)) {
                    for (int i = 0; i < n && forbidden == null; i++) {
                        char c = (char) (buf[i] & 0xff);
                        if (c == '\n') {
                            forbidden = forbiddenLine(engine, line);
                            line.setLength(0);
                        } else if (line.length() < 32) {
                            line.append(c);
                        }
                    }
                }
            }
        }
        String sha = HexFormat.of().formatHex(md.digest());
        int tailLen = (int) Math.min(size, EDGE);
        String headText = new String(head, 0, headLen, StandardCharsets.ISO_8859_1);
        String tailText = new String(Arrays.copyOfRange(tail, EDGE - tailLen, EDGE), StandardCharsets.ISO_8859_1);
        switch (engine) {
            case POSTGRES:
                if (startsWith(head, headLen, PGDMP)) {
                    return new Content("custom", sha, size, null);
                }
                if (!headText.contains("-- PostgreSQL database dump")) {
                    return new Content("plain", sha, size, "is not a PostgreSQL dump (neither pg_dump's custom"
                            + " format nor a plain pg_dump script)");
                }
                if (!tailText.contains("-- PostgreSQL database dump complete")) {
                    return new Content("plain", sha, size, "is incomplete: its last lines lack pg_dump's"
                            + " \"PostgreSQL database dump complete\" (truncated?)");
                }
                return new Content("plain", sha, size, forbidden == null ? null : "switches database ("
                        + forbidden.strip() + "...): dump one database without -C / pg_dumpall");
            case MARIADB:
                if (!headText.contains("-- MariaDB dump") && !headText.contains("-- MySQL dump")) {
                    return new Content("plain", sha, size, "is not a MariaDB/MySQL dump (no mariadb-dump or"
                            + " mysqldump header)");
                }
                if (!tailText.contains("-- Dump completed")) {
                    return new Content("plain", sha, size, "is incomplete: its last lines lack \"-- Dump completed\""
                            + " (truncated, or dumped with --skip-comments)");
                }
                return new Content("plain", sha, size, forbidden == null ? null : "switches database ("
                        + forbidden.strip() + "...): dump one database without --databases / --all-databases");
            case SQLITE:
                return new Content("sqlite", sha, size, startsWith(head, headLen, SQLITE) ? null
                        : "is not an SQLite database file");
            default:
                return new Content("", sha, size, "cannot be adopted as a " + engine.id() + " dump");
        }
    }

    private static String forbiddenLine(DbEngine engine, StringBuilder line) {
        String s = line.toString();
        if (s.startsWith("CREATE DATABASE") || (engine == DbEngine.POSTGRES && s.startsWith("\\connect"))
                || (engine == DbEngine.MARIADB && s.startsWith("USE `"))) {
            return s;
        }
        return null;
    }

    private static boolean startsWith(byte[] data, int len, byte[] prefix) {
        return len >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** {@code pg_restore --list}: the archive's table of contents is readable. */
    private static void checkArchive(Path original, Path archive) {
        try {
            CommandRunner.local().run(CommandSpec.of("pg_restore", "--list", archive.toString())
                    .timeout(Duration.ofMinutes(10)).outputLimit(4096));
        } catch (BackstepException e) {
            throw new DbException(null, "dump " + original + " is not a readable pg_dump archive: " + e.getMessage(), e);
        }
    }
}
