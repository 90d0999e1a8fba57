package dev.backstep.temporal.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The host worker's own files under its state directory: owner-only directories (never through a
 * symbolic link), and the values a step recorded, written and fsynced before {@code record}
 * returns so that an attempt retried after the worker died finds them even if its last heartbeat
 * was lost. Not API.
 */
final class HostFiles {
    private final Path stateDir;

    HostFiles(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** {@code stateDir/<parts...>}, created 0700; a symbolic link on the way is refused. */
    Path dir(String... parts) {
        try {
            Path dir = stateDir;
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
            }
            for (String part : parts) {
                dir = dir.resolve(safe(part));
                if (Files.isSymbolicLink(dir)) {
                    throw new IOException("refusing symbolic link " + dir);
                }
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a step of a run recorded on this host so far (empty when nothing). */
    Map<String, String> recorded(String runId, String step) {
        Path f = dir("recorded", runId).resolve(fileName(step));
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
        if (Files.isSymbolicLink(f)) {
            throw new UncheckedIOException(new IOException("refusing symbolic link " + f));
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Replaces what a step recorded, atomically and durably (temp file, fsync, rename, directory fsync). */
    void record(String runId, String step, Map<String, String> values) {
        Path dir = dir("recorded", runId);
        Path f = dir.resolve(fileName(step));
        Path tmp = dir.resolve(fileName(step) + ".tmp");
        Properties p = new Properties();
        p.putAll(new LinkedHashMap<>(values));
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
                 OutputStream out = Channels.newOutputStream(ch)) {
                p.store(out, null);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Takes the lock of a target for {@code holder} (a workflow id): one run per target at a time on
     * this host. A lock whose holder is no longer running ({@code running} says no) is taken over.
     *
     * @return the other holder when the target is locked, empty when {@code holder} has it now
     */
    Optional<String> lock(String target, String holder, Predicate<String> running) {
        Path f = dir("locks").resolve(safe(target) + "-" + String.format("%08x", target.hashCode()) + ".lock");
        try {
            try {
                write(f, holder, StandardOpenOption.CREATE_NEW);
                return Optional.empty();
            } catch (FileAlreadyExistsException e) {
                if (Files.isSymbolicLink(f)) {
                    throw new IOException("refusing symbolic link " + f);
                }
                String current = Files.readString(f).strip();
                if (current.equals(holder)) {
                    return Optional.empty();
                }
                if (running.test(current)) {
                    return Optional.of(current);
                }
                Path tmp = f.resolveSibling(f.getFileName() + "." + holder + ".tmp");
                Files.deleteIfExists(tmp);
                write(tmp, holder, StandardOpenOption.CREATE_NEW);
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Releases the lock of a target if {@code holder} has it. */
    void unlock(String target, String holder) {
        Path f = dir("locks").resolve(safe(target) + "-" + String.format("%08x", target.hashCode()) + ".lock");
        try {
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.readString(f).strip().equals(holder)) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path f, String text, StandardOpenOption mode) throws IOException {
        try (FileChannel ch = FileChannel.open(f, java.util.Set.of(mode, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(java.nio.ByteBuffer.wrap((text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /** Distinct for step names that differ only in characters {@link #safe} replaces. */
    private static String fileName(String step) {
        return safe(step) + "-" + String.format("%08x", step.hashCode()) + ".properties";
    }

    private static String safe(String part) {
        String s = part.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
