package dev.backstep.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.backstep.BackstepException;
import dev.backstep.LockUnavailableException;
import dev.backstep.RunId;
import dev.backstep.spi.Lock;
import dev.backstep.spi.LockHolder;
import dev.backstep.spi.Locks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Lock#file(Path)}: one lock file per target, {@code <dir>/locks/<sanitised-target>.<hash>.lock}
 * (0600, in a 0700 directory), holding the holder as one JSON line and guarded by an exclusive
 * OS file lock ({@link FileChannel#tryLock()}).
 *
 * <p>The OS lock decides: the kernel releases it when the holding process dies, however it
 * dies. A lock file that still names a holder while its OS lock is free was left behind by a
 * crash; the next {@link #acquire} takes it over, logs a warning naming the stale holder and
 * reports it in {@link Lock.Handle#tookOverFrom()}. {@link #breakLock} clears such a leftover
 * deliberately and refuses to touch a lock a live process holds. Lock files are truncated on
 * release, never deleted (deleting would let two processes lock two different inodes).
 *
 * <p>Within one JVM, OS file locks do not exclude threads and closing any channel of a file can
 * drop the JVM's lock on it; so every lock file operation of this JVM goes through one monitor
 * and a registry of the locks this JVM holds, and a held lock is answered from the registry
 * without opening its file again. For the same reason, code of this process must not open lock
 * files itself while a lock is held: closing that descriptor would release the OS lock. *
 * <pre>{@code
 * Lock lock = Lock.file(stateDir);   // locks in stateDir/locks
 * try (Lock.Handle held = lock.acquire("shop@prod", runId, Duration.ofSeconds(30))) {
 *     held.tookOverFrom().ifPresent(stale -> log.warn("took over from {}", stale.describe()));
 * }
 * }</pre>
 */
public final class FileLock implements Lock {
    private static final Logger log = LoggerFactory.getLogger(FileLock.class);
    private static final int MAX_HOLDER_BYTES = 64 * 1024;
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration MAX_POLL = Duration.ofMillis(500);
    /** Retries when the OS lock is held but its file names no live holder yet (being written). */
    private static final int SETTLE_RETRIES = 20;

    /** Guards every lock-file channel of this JVM and {@link #HELD}. */
    private static final Object MONITOR = new Object();
    private static final Map<Path, Held> HELD = new HashMap<>();

    private final Path locksDir;

    public FileLock(Path dir) {
        Objects.requireNonNull(dir, "lock directory");
        Path locks = dir.toAbsolutePath().normalize().resolve("locks");
        try {
            OwnerOnlyFiles.createDirectories(locks);
            this.locksDir = locks.toRealPath();
        } catch (FileAlreadyExistsException e) {
            throw new BackstepException("lock directory " + locks + " cannot be used: " + e.getFile()
                    + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new BackstepException("lock directory " + locks + " cannot be created: " + e, e);
        }
    }

    /** The lock file of {@code target} (it may not exist yet). */
    public Path fileOf(String target) {
        validate(target, Duration.ZERO);
        return locksDir.resolve(fileName(target));
    }

    // ---------------------------------------------------------------- acquire

    @Override
    public Handle acquire(String target, RunId runId, Duration wait) {
        validate(target, wait);
        Objects.requireNonNull(runId, "runId");
        Path file = locksDir.resolve(fileName(target));
        // saturated: a wait too long for nanoseconds (ChronoUnit.FOREVER) means wait as long as it takes
        long waitNanos = wait.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : wait.toNanos();
        long deadline = System.nanoTime() + waitNanos;
        Duration poll = FIRST_POLL;
        int settle = 0;
        while (true) {
            Attempt a = tryOnce(file, target, runId);
            if (a.handle != null) {
                return a.handle;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                // the OS lock is held but the file names nobody alive: someone is between taking
                // the OS lock and writing its name, or clearing a leftover; look again shortly
                if ((a.holder == null || a.holder.isStale()) && settle++ < SETTLE_RETRIES) {
                    sleep(Duration.ofMillis(10), target);
                    continue;
                }
                throw new LockUnavailableException(target, a.holder, wait);
            }
            sleep(Duration.ofNanos(Math.min(poll.toNanos(), remaining)), target);
            poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
        }
    }

    private Attempt tryOnce(Path file, String target, RunId runId) {
        synchronized (MONITOR) {
            Held held = HELD.get(file);
            if (held != null) {
                return new Attempt(null, held.holder);
            }
            FileChannel ch;
            try {
                ch = OwnerOnlyFiles.openOrCreate(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new BackstepException("cannot open lock file " + file + " for target '" + target + "': " + e, e);
            }
            boolean keep = false;
            try {
                java.nio.channels.FileLock os = tryOsLock(ch);
                if (os == null) {
                    return new Attempt(null, readHolder(ch, file));
                }
                try {
                    LockHolder previous = readHolder(ch, file);
                    LockHolder mine = new LockHolder(target, Hosts.localName(), ProcessHandle.current().pid(),
                            runId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
                    writeHolder(ch, mine);
                    Held h = new Held(file, ch, os, mine, previous, fileKey(file));
                    HELD.put(file, h);
                    keep = true;
                    if (previous != null) {
                        log.warn("lock on target '{}': took over a lock left behind by {}, whose process no longer"
                                + " holds it{}", target, previous.describe(),
                                previous.isStale() ? " (process is gone)" : "");
                    }
                    return new Attempt(h, null);
                } finally {
                    if (!keep) {
                        os.release();
                    }
                }
            } catch (IOException e) {
                throw new BackstepException("cannot lock " + file + " for target '" + target + "': " + e, e);
            } finally {
                if (!keep) {
                    closeQuietly(ch);
                }
            }
        }
    }

    // ---------------------------------------------------------------- holder / break

    @Override
    public Optional<LockHolder> holder(String target) {
        validate(target, Duration.ZERO);
        Path file = locksDir.resolve(fileName(target));
        synchronized (MONITOR) {
            Held held = HELD.get(file);
            if (held != null) {
                return Optional.of(held.holder);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return Optional.ofNullable(readHolder(ch, file));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new BackstepException("cannot read lock file " + file + ": " + e, e);
            }
        }
    }

    @Override
    public boolean breakLock(String target) {
        validate(target, Duration.ZERO);
        Path file = locksDir.resolve(fileName(target));
        synchronized (MONITOR) {
            Held held = HELD.get(file);
            if (held != null) {
                throw new LockUnavailableException(target, held.holder, "cannot break the lock on target '"
                        + target + "': it is held by " + held.holder.describe()
                        + " in this process; close its handle instead");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                java.nio.channels.FileLock os = tryOsLock(ch);
                if (os == null) {
                    LockHolder holder = readHolder(ch, file);
                    throw new LockUnavailableException(target, holder, "cannot break the lock on target '" + target
                            + "': it is held by a live process: "
                            + (holder == null ? "holder not recorded" : holder.describe())
                            + "; stop that process first");
                }
                try {
                    if (ch.size() == 0) {
                        return false;
                    }
                    LockHolder left = readHolder(ch, file);
                    ch.truncate(0);
                    ch.force(true);
                    log.warn("lock on target '{}' broken deliberately; it was left behind by {}", target,
                            left == null ? "an unreadable holder" : left.describe());
                    return true;
                } finally {
                    os.release();
                }
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw new BackstepException("cannot break lock file " + file + ": " + e, e);
            }
        }
    }

    @Override
    public String toString() {
        return "Lock.file(" + locksDir.getParent() + ")";
    }

    // ---------------------------------------------------------------- helpers

    /** Target and wait checks shared by every {@link Lock}: {@link Locks#validate}. */
    static void validate(String target, Duration wait) {
        Locks.validate(target, wait);
    }

    /** A readable, collision-free file name: safe characters of the target plus a hash of all of it. */
    static String fileName(String target) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < target.length() && safe.length() < 64; i++) {
            char c = target.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            safe.append(ok ? c : '_');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(target.getBytes(UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return safe + "." + hex + ".lock";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static java.nio.channels.FileLock tryOsLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null; // by a channel outside this class's registry
        }
    }

    /** The holder the file names, or null when empty or unreadable (e.g. being written). */
    private static LockHolder readHolder(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return null;
        }
        if (size > MAX_HOLDER_BYTES) {
            log.warn("lock file {} is {} bytes: not a lock holder", file, size);
            return null;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
            // keep reading
        }
        String text = new String(buf.array(), 0, buf.position(), UTF_8).trim();
        try {
            Map<String, Object> m = JsonText.parse(text);
            return new LockHolder((String) m.get("target"), (String) m.get("host"), (Long) m.get("pid"),
                    RunId.of((String) m.get("runId")), Instant.parse((String) m.get("since")));
        } catch (BackstepException | ClassCastException | NullPointerException | DateTimeParseException e) {
            log.debug("lock file {} does not name a holder: {}", file, e.toString());
            return null;
        }
    }

    private static void writeHolder(FileChannel ch, LockHolder h) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", h.target());
        m.put("host", h.host());
        m.put("pid", h.pid());
        m.put("runId", h.runId().value());
        m.put("since", h.since().toString());
        ByteBuffer buf = ByteBuffer.wrap((JsonText.write(m) + "\n").getBytes(UTF_8));
        long p = 0;
        while (buf.hasRemaining()) {
            p += ch.write(buf, p);
        }
        ch.truncate(p);
        // not forced: the OS lock, not these bytes, excludes other runs; after a power cut no lock
        // is held and the name only feeds the "took over from" report (the journal, not the
        // holder, tells which runs to finish). Release truncates without a force too.
    }

    /** The identity (device and inode) of the file at {@code file}, or null where the OS has none. */
    private static Object fileKey(Path file) throws IOException {
        return java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static void sleep(Duration d, String target) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackstepException("interrupted while waiting for the lock on target '" + target + "'", e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing with a more useful exception, or nothing was held
        }
    }

    private record Attempt(Held handle, LockHolder holder) {
    }

    /** A lock this JVM holds. */
    private static final class Held implements Lock.Handle {
        private final Path file;
        private final FileChannel channel;
        private final java.nio.channels.FileLock os;
        private final LockHolder holder;
        private final LockHolder previous;
        private final Object fileKey;
        private boolean released; // guarded by MONITOR

        Held(Path file, FileChannel channel, java.nio.channels.FileLock os, LockHolder holder, LockHolder previous,
             Object fileKey) {
            this.fileKey = fileKey;
            this.file = file;
            this.channel = channel;
            this.os = os;
            this.holder = holder;
            this.previous = previous;
        }

        @Override
        public LockHolder holder() {
            return holder;
        }

        @Override
        public Optional<LockHolder> tookOverFrom() {
            return Optional.ofNullable(previous);
        }

        /**
         * False once released, or once the lock file was removed or replaced: the OS lock then
         * guards an inode nobody else opens, and another process can lock the new file.
         */
        @Override
        public boolean isHeld() {
            synchronized (MONITOR) {
                if (released || !os.isValid()) {
                    return false;
                }
            }
            try {
                return fileKey == null || fileKey.equals(fileKey(file));
            } catch (NoSuchFileException gone) {
                return false;
            } catch (IOException cannotTell) {
                return true; // not known to be lost; the OS lock is still ours
            }
        }

        @Override
        public void close() {
            synchronized (MONITOR) {
                if (released) {
                    return;
                }
                released = true;
                HELD.remove(file, this);
                IOException failure = null;
                // an interrupted caller (a stopped run) must still release cleanly: with the flag
                // set, the channel would refuse to clear the holder and the lock would look stale
                boolean interrupted = Thread.interrupted();
                try {
                    channel.truncate(0);
                } catch (IOException e) {
                    failure = e;
                }
                try {
                    os.release();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
                try {
                    channel.close();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (failure != null) {
                    throw new BackstepException("cannot release lock file " + file + " of target '"
                            + holder.target() + "': " + failure, failure);
                }
            }
        }

        @Override
        public String toString() {
            return "Lock.Handle[" + holder.describe() + "]";
        }
    }
}
