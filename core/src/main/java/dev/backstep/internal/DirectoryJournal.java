package dev.backstep.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.backstep.BackstepException;
import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.UnsupportedJournalVersionException;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Journal#directory(Path)}: one append-only JSON-lines file per run,
 * {@code <dir>/runs/<runId>.jsonl}, every record checksummed and fsynced before
 * {@link #append} returns.
 *
 * <p>Line format (one record per line, UTF-8, keys in this order, {@code data} keys sorted):
 * <pre>{@code
 * {"v":1,"runId":"20261122-014500-3f9a1c","seq":3,"at":"2026-11-22T01:45:02.123Z","type":"STEP_RECORDED","step":"checkout","data":{"key":"head","value":"abc123"},"crc":"7d1c0e5a"}
 * }</pre>
 * {@code crc} is the CRC32C (8 lowercase hex digits) of the line's bytes as stored, without the
 * {@code ,"crc":"…"} member: the bytes before {@code ,"crc":"} followed by one {@code }}. A reader
 * checks it against those exact bytes, never against a re-encoding of the parsed record, so a line
 * verifies whatever JSON writer produced it (escapes, key order, spacing); the writer is
 * {@link JsonText} (jackson-core).
 *
 * <p>Durability: a run file is created 0600 (directories 0700) with {@code CREATE_NEW}, and the
 * {@code runs} directory is fsynced after the creation; every record is written with one
 * positional write and is durable ({@code force(true)}) before {@code append} returns; appenders
 * of one run that write while a force runs share the next force (group commit, {@link GroupCommit}).
 * {@link #appendLazily} writes the same way and leaves the force to the run's next durable
 * append or its close.
 *
 * <p>Reading: a torn last line (no trailing newline, or a last line that fails to parse or to
 * match its checksum) is the trace of an append that never returned; it is ignored. Before this
 * journal appends to such a file again it copies the torn bytes to {@code <runId>.torn} (kept as
 * evidence) and truncates the run file to its last good record, so the next record starts on a
 * fresh line. Any other damage raises {@link JournalCorruptedException} naming file, line and
 * reason.
 *
 * <p>Index: {@link #runsOf} and {@link #unfinishedRuns} answer from {@code <dir>/runs.index}
 * ({@link JournalIndex}), which every append of a run-level record keeps up to date (before a run
 * or rollback starts, after it finishes) and which is checked against the run files when first
 * needed. {@link #retain} removes old runs ({@link JournalRetention}).
 *
 * <p>Sequence numbers are assigned by the caller; they must be non-negative and unique per run
 * (a duplicate is rejected). Concurrent appenders may land in the file out of sequence order;
 * {@link #read} returns records sorted by sequence.
 *
 * <p>Concurrency: thread-safe. Appends to one run are serialised; appends to different runs run
 * in parallel. One journal instance appends to a run at a time: while its file is open for
 * appending it holds an OS lock on it (other processes) and is registered JVM-wide (other
 * journals of this process); a second journal that tries to append to the same run fails with a
 * {@link BackstepException}. Readers need no lock. Open files are closed after a
 * {@code RUN_FINISHED} record, when more than {@code maxOpen} runs are open (least recently
 * used first) and by {@link #close}; a later append reopens.
 *
 * <p>POSIX drops a process's lock on a file when the process closes <em>any</em> descriptor of
 * that file. So within this JVM every access to a run file goes through a JVM-wide lock per file,
 * and a file that is open for appending is read through its appending channel. Code outside this
 * class should not open run files of a live journal (reading them through {@link #read} is fine).
 */
public final class DirectoryJournal implements Journal {
    private static final Logger log = LoggerFactory.getLogger(DirectoryJournal.class);

    static final String SUFFIX = ".jsonl";
    static final String TORN_SUFFIX = ".torn";
    static final long FORMAT_VERSION = 1;
    static final int DEFAULT_MAX_OPEN = 32;
    private static final int STRIPES = 64;
    /** JVM-wide, by file: every open/read/close of a run file of any instance happens under one. */
    private static final ReentrantLock[] FILE_LOCKS = new ReentrantLock[STRIPES];
    /** JVM-wide: the run files some instance holds open for appending, by real path. */
    private static final ConcurrentHashMap<Path, RunWriter> APPENDING = new ConcurrentHashMap<>();

    static {
        for (int i = 0; i < STRIPES; i++) {
            FILE_LOCKS[i] = new ReentrantLock();
        }
    }

    private static final byte[] CRC_PREFIX = ",\"crc\":\"".getBytes(US_ASCII);
    /** {@code ,"crc":"} + 8 hex + {@code "}}. */
    private static final int CRC_SUFFIX_LEN = CRC_PREFIX.length + 8 + 2;
    private static final byte[] HEX = "0123456789abcdef".getBytes(US_ASCII);
    private static final Set<String> FIELDS = Set.of("v", "runId", "seq", "at", "type", "step", "data", "crc");

    private final Path dir;
    private final Path runsDir;
    private final Path realRunsDir;
    private final int maxOpen;
    private final JournalIndex index;
    private final ConcurrentHashMap<RunId, RunWriter> open = new ConcurrentHashMap<>();
    private final AtomicLong useClock = new AtomicLong();
    private volatile boolean closed;

    /** Opens (creating if needed, 0700) the journal directory {@code dir} and its {@code runs}. */
    public DirectoryJournal(Path dir) {
        this(dir, DEFAULT_MAX_OPEN);
    }

    /** As {@link #DirectoryJournal(Path)}, keeping at most {@code maxOpen} run files open. */
    public DirectoryJournal(Path dir, int maxOpen) {
        Objects.requireNonNull(dir, "journal directory");
        if (maxOpen < 1) {
            throw new BackstepException("maxOpen must be at least 1, was " + maxOpen);
        }
        this.dir = dir.toAbsolutePath().normalize();
        this.runsDir = this.dir.resolve("runs");
        this.maxOpen = maxOpen;
        try {
            OwnerOnlyFiles.createDirectories(runsDir);
            this.realRunsDir = runsDir.toRealPath();
        } catch (FileAlreadyExistsException e) {
            throw new BackstepException("journal directory " + this.dir + " cannot be used: " + e.getFile()
                    + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new BackstepException("journal directory " + this.dir + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(runsDir)) {
            throw new BackstepException("journal directory " + runsDir + " is not writable");
        }
        this.index = new JournalIndex(realRunsDir.getParent(), runsDir, this::fileOf, this::read);
    }

    /** The directory this journal lives in. */
    public Path directory() {
        return dir;
    }

    /** The file that holds the records of {@code runId} (it may not exist yet). */
    public Path fileOf(RunId runId) {
        return runsDir.resolve(runId.value() + SUFFIX);
    }

    // ---------------------------------------------------------------- append

    @Override
    public void append(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        checkSequence(record);
        index.before(record);
        appendLines(record.runId(), List.of(record.sequence()), encode(record),
                record.type() == JournalRecord.Type.RUN_FINISHED);
        index.after(record);
    }

    /** Written under the run's lock like {@link #append}, forced by the run's next durable append or its close. */
    @Override
    public void appendLazily(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        if (record.type() == JournalRecord.Type.RUN_FINISHED) {
            append(record); // closes the file: forced
            return;
        }
        checkSequence(record);
        // the index hears of a lazy record too: a rollback's start reopens its run for recover()
        index.before(record);
        appendLines(record.runId(), List.of(record.sequence()), encode(record), false, false);
        index.after(record);
    }

    /** Forces the run's open file if a lazy append left anything unforced; nothing when it is closed. */
    @Override
    public void sync(RunId runId) {
        Objects.requireNonNull(runId, "runId");
        RunWriter w;
        long end;
        ReentrantLock lock = fileLock(keyOf(runId));
        lock.lock();
        try {
            w = open.get(runId);
            if (w == null) {
                return; // a file is forced before it is closed
            }
            end = w.size;
        } finally {
            lock.unlock();
        }
        // outside the lock, as an append waits: a close meanwhile forces first, so this returns
        try {
            w.commit.awaitDurable(end);
        } catch (IOException e) {
            throw new BackstepException("cannot sync journal file " + w.file + ": " + e, e);
        }
    }

    /** How many forces the run's open file has had (tests); 0 when it is not open. */
    long forces(RunId runId) {
        RunWriter w = open.get(runId);
        return w == null ? 0 : w.commit.forces();
    }

    /**
     * Several records of one run with one write and one force (records of several runs, or a
     * {@code RUN_FINISHED} among them, are appended one by one). Every record is durable when this
     * returns.
     */
    @Override
    public void appendAll(List<JournalRecord> records) {
        Objects.requireNonNull(records, "records");
        boolean oneRun = !records.isEmpty();
        for (JournalRecord r : records) {
            Objects.requireNonNull(r, "record");
            checkSequence(r);
            oneRun &= r.runId().equals(records.get(0).runId()) && r.type() != JournalRecord.Type.RUN_FINISHED;
        }
        if (!oneRun || records.size() == 1) {
            records.forEach(this::append);
            return;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(records.size() * 256);
        List<Long> sequences = new java.util.ArrayList<>(records.size());
        for (JournalRecord r : records) {
            bytes.writeBytes(encode(r));
            sequences.add(r.sequence());
        }
        records.forEach(index::before);
        appendLines(records.get(0).runId(), sequences, bytes.toByteArray(), false);
        records.forEach(index::after);
    }

    private static void checkSequence(JournalRecord record) {
        if (record.sequence() < 0) {
            throw new BackstepException("run " + record.runId() + ": sequence must not be negative, was "
                    + record.sequence());
        }
    }

    /**
     * Writes {@code lines} under the run's file lock, then waits for them to be durable outside
     * it (group commit: appenders of a parallel group share forces), except for the run's last
     * record, which is forced before the file is closed under the lock.
     */
    private void appendLines(RunId runId, List<Long> sequences, byte[] lines, boolean finished) {
        appendLines(runId, sequences, lines, finished, true);
    }

    /** @param durable false: written only, the next durable append (or the close) forces it */
    private void appendLines(RunId runId, List<Long> sequences, byte[] lines, boolean finished, boolean durable) {
        Path key = keyOf(runId);
        ReentrantLock lock = fileLock(key);
        RunWriter w;
        long end;
        lock.lock();
        try {
            if (closed) {
                throw new BackstepException("journal " + dir + " is closed");
            }
            w = open.get(runId);
            if (w == null) {
                if (APPENDING.containsKey(key)) {
                    throw new BackstepException("journal file " + fileOf(runId) + " is being appended to by another"
                            + " journal of this process; one journal appends to a run at a time");
                }
                w = openWriter(runId, key);
                open.put(runId, w);
                APPENDING.put(key, w);
            }
            w.lastUsed = useClock.incrementAndGet();
            try {
                end = w.write(sequences, lines);
                if (finished) {
                    w.commit.awaitDurable(end);
                }
            } catch (IOException e) {
                forget(w);
                w.closeQuietly();
                throw new BackstepException("cannot append to journal file " + w.file + ": " + e, e);
            }
            if (finished) {
                forget(w);
                closeLogged(w);
            }
        } finally {
            lock.unlock();
        }
        if (!finished && durable) {
            try {
                w.commit.awaitDurable(end);
            } catch (IOException e) {
                lock.lock();
                try {
                    if (open.get(runId) == w) {
                        forget(w);
                        w.closeQuietly();
                    }
                } finally {
                    lock.unlock();
                }
                throw new BackstepException("cannot append to journal file " + w.file + ": " + e, e);
            }
        }
        if (open.size() > maxOpen) {
            evictLeastRecentlyUsed();
        }
    }

    /** Caller holds the file lock of {@code w}. */
    private void forget(RunWriter w) {
        open.remove(w.runId, w);
        APPENDING.remove(w.key, w);
    }

    private RunWriter openWriter(RunId runId, Path key) {
        Path file = fileOf(runId);
        FileChannel ch;
        boolean created;
        try {
            ch = OwnerOnlyFiles.createNew(file, StandardOpenOption.READ);
            created = true;
        } catch (FileAlreadyExistsException exists) {
            refuseLink(file);
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                refuseLink(file); // replaced by a link in the meantime
                throw new BackstepException("cannot open journal file " + file + ": " + e, e);
            }
            created = false;
        } catch (IOException e) {
            throw new BackstepException("cannot create journal file " + file + ": " + e, e);
        }
        try {
            java.nio.channels.FileLock osLock;
            try {
                osLock = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                osLock = null;
            }
            if (osLock == null) {
                throw new BackstepException("journal file " + file + " is being appended to by another"
                        + " process; one journal appends to a run at a time");
            }
            RunWriter w = new RunWriter(runId, file, key, ch, osLock);
            if (created) {
                OwnerOnlyFiles.fsyncDirectory(runsDir);
                w.commit = new GroupCommit(ch, 0);
                return w;
            }
            byte[] bytes = readAll(ch, file);
            Scan scan = scan(file, runId, bytes);
            for (JournalRecord r : scan.records) {
                w.sequences.add(r.sequence());
            }
            if (scan.validLength < bytes.length) {
                preserveTornTail(runId, file, bytes, scan);
                ch.truncate(scan.validLength);
                ch.force(true);
            }
            w.size = scan.validLength;
            w.commit = new GroupCommit(ch, w.size);
            return w;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new BackstepException("cannot open journal file " + file + " for appending: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private void preserveTornTail(RunId runId, Path file, byte[] bytes, Scan scan) throws IOException {
        int length = bytes.length - (int) scan.validLength;
        Path evidence = runsDir.resolve(runId.value() + TORN_SUFFIX);
        log.warn("journal file {}: ignoring a torn last record at byte {} ({} bytes: {}); moved to {}",
                file, scan.validLength, length, scan.tornReason, evidence);
        boolean existed = Files.exists(evidence);
        try (FileChannel out = OwnerOnlyFiles.openOrCreate(evidence, StandardOpenOption.APPEND)) {
            String header = "# " + Instant.now() + " torn tail of " + file.getFileName() + " at byte "
                    + scan.validLength + " (" + length + " bytes, " + scan.tornReason + ")\n";
            writeFully(out, ByteBuffer.wrap(header.getBytes(UTF_8)));
            writeFully(out, ByteBuffer.wrap(bytes, (int) scan.validLength, length));
            writeFully(out, ByteBuffer.wrap(new byte[] {'\n'}));
            out.force(true);
        }
        if (!existed) {
            OwnerOnlyFiles.fsyncDirectory(runsDir);
        }
    }

    private void evictLeastRecentlyUsed() {
        while (open.size() > maxOpen) {
            RunWriter oldest = null;
            for (RunWriter w : open.values()) {
                if (oldest == null || w.lastUsed < oldest.lastUsed) {
                    oldest = w;
                }
            }
            if (oldest == null) {
                return;
            }
            ReentrantLock lock = fileLock(oldest.key);
            lock.lock();
            try {
                if (open.get(oldest.runId) == oldest) {
                    forget(oldest);
                    closeLogged(oldest);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- read

    @Override
    public List<JournalRecord> read(RunId runId) {
        Objects.requireNonNull(runId, "runId");
        try {
            return readLocked(runId);
        } catch (JournalCorruptedException e) {
            // outside the run's lock: the index may be reading this run under its own lock
            index.damaged(runId); // named for every target and by recover() from now on
            throw e;
        }
    }

    private List<JournalRecord> readLocked(RunId runId) {
        Path file = fileOf(runId);
        Path key = keyOf(runId);
        ReentrantLock lock = fileLock(key);
        lock.lock();
        try {
            byte[] bytes;
            try {
                RunWriter appending = APPENDING.get(key);
                // never open and close a second descriptor of a file this JVM holds locked
                bytes = appending != null ? readAll(appending.channel, file) : readWithoutFollowing(file);
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw new BackstepException("cannot read journal file " + file + ": " + e, e);
            }
            List<JournalRecord> records = new ArrayList<>(scan(file, runId, bytes).records);
            records.sort(Comparator.comparingLong(JournalRecord::sequence));
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** Names the file and line of {@code record}, read again from its file. */
    @Override
    public JournalCorruptedException corrupted(JournalRecord record, String reason) {
        RunId runId = record.runId();
        Path file = fileOf(runId);
        Path key = keyOf(runId);
        ReentrantLock lock = fileLock(key);
        lock.lock();
        try {
            RunWriter appending = APPENDING.get(key);
            byte[] bytes = appending != null ? readAll(appending.channel, file) : readWithoutFollowing(file);
            Scan scan = scan(file, runId, bytes);
            for (int i = 0; i < scan.records.size(); i++) {
                if (scan.records.get(i).equals(record)) {
                    return new JournalCorruptedException(file, scan.lines.get(i), reason);
                }
            }
        } catch (IOException | BackstepException e) {
            log.debug("journal file {}: cannot locate record {} again: {}", file, record.sequence(), e.toString());
        } finally {
            lock.unlock();
        }
        return new JournalCorruptedException(file, record.sequence() + 1, "record " + record.sequence() + ": " + reason);
    }

    /** The bytes of a run file, refusing a symbolic link: the journal never follows one it did not create. */
    private static byte[] readWithoutFollowing(Path file) throws IOException {
        refuseLink(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return readAll(ch, file);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            refuseLink(file); // replaced by a link in the meantime
            throw e;
        }
    }

    private static void refuseLink(Path file) {
        if (Files.isSymbolicLink(file)) {
            String to;
            try {
                to = " (to " + Files.readSymbolicLink(file) + ")";
            } catch (IOException e) {
                to = "";
            }
            throw new JournalCorruptedException(file, 0, "the run file is a symbolic link" + to
                    + "; the journal never follows a link it did not create: replace it with the run's own file");
        }
    }

    @Override
    public List<RunId> runIds() {
        List<RunId> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(runsDir)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX) && Files.isRegularFile(f)) {
                    String id = name.substring(0, name.length() - SUFFIX.length());
                    try {
                        ids.add(RunId.of(id));
                    } catch (BackstepException notARun) {
                        log.debug("journal {}: ignoring {}: not a run id", runsDir, name);
                    }
                }
            });
        } catch (IOException e) {
            throw new BackstepException("cannot list journal directory " + runsDir + ": " + e, e);
        }
        ids.sort(null);
        return List.copyOf(ids);
    }

    /** From the index ({@link JournalIndex}): reads only the runs of {@code target} and of unknown target. */
    @Override
    public List<RunId> runsOf(String target) {
        return index.runsOf(Objects.requireNonNull(target, "target"));
    }

    /** From the index ({@link JournalIndex}): reads no finished run. */
    @Override
    public List<RunId> unfinishedRuns() {
        return index.unfinished();
    }

    JournalIndex index() {
        return index;
    }

    /** {@link JournalRetention}: never a run that can still be rolled back, never a damaged one. */
    @Override
    public dev.backstep.spi.Retention.Report retain(dev.backstep.spi.Retention policy) {
        return JournalRetention.retain(this, Objects.requireNonNull(policy, "policy"), Instant.now());
    }

    /** The size of a run file, -1 when missing. */
    long sizeOf(RunId runId) {
        try {
            return Files.readAttributes(fileOf(runId), java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Removes the files of {@code runs} (and their torn-tail evidence), skipping a run that is
     * open for appending or whose file changed since it was judged ({@code sizes}); returns the
     * runs removed.
     */
    List<RunId> remove(List<RunId> runs, Map<RunId, Long> sizes) {
        List<RunId> removed = new ArrayList<>();
        for (RunId id : runs) {
            Path key = keyOf(id);
            ReentrantLock lock = fileLock(key);
            lock.lock();
            try {
                if (APPENDING.containsKey(key) || sizeOf(id) != sizes.get(id) || Files.isSymbolicLink(fileOf(id))) {
                    continue;
                }
                Files.delete(fileOf(id));
                Files.deleteIfExists(runsDir.resolve(id.value() + TORN_SUFFIX));
                removed.add(id);
            } catch (IOException e) {
                throw new BackstepException("cannot remove journal file " + fileOf(id) + ": " + e, e);
            } finally {
                lock.unlock();
            }
        }
        try {
            OwnerOnlyFiles.fsyncDirectory(runsDir);
        } catch (IOException e) {
            throw new BackstepException("cannot sync journal directory " + runsDir + ": " + e, e);
        }
        index.removed(removed);
        return removed;
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        closed = true;
        BackstepException failure = null;
        for (int i = 0; i < STRIPES; i++) {
            FILE_LOCKS[i].lock();
            try {
                for (RunWriter w : open.values()) {
                    if (stripeIndex(w.key) == i && open.get(w.runId) == w) {
                        forget(w);
                        try {
                            w.close();
                        } catch (IOException e) {
                            BackstepException ex = new BackstepException("cannot close journal file " + w.file
                                    + ": " + e, e);
                            if (failure == null) {
                                failure = ex;
                            } else {
                                failure.addSuppressed(ex);
                            }
                        }
                    }
                }
            } finally {
                FILE_LOCKS[i].unlock();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** How many run files are open for appending right now. */
    int openFiles() {
        return open.size();
    }

    @Override
    public String toString() {
        return "DirectoryJournal[" + dir + "]";
    }

    // ---------------------------------------------------------------- format

    /** The line (with its trailing newline) that stores {@code r}. */
    static byte[] encode(JournalRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", FORMAT_VERSION);
        m.put("runId", r.runId().value());
        m.put("seq", r.sequence());
        m.put("at", r.at().toString());
        m.put("type", r.type().name());
        m.put("step", r.step().orElse(null));
        m.put("data", new TreeMap<>(r.data()));
        byte[] canonical;
        try {
            canonical = JsonText.writeObject(m);
        } catch (JsonText.JsonException e) {
            throw new BackstepException("run " + r.runId() + ": record " + r.sequence() + " (" + r.type()
                    + ") cannot be journaled, nothing was written: " + e.getMessage(), e);
        }
        CRC32C crc = new CRC32C();
        crc.update(canonical, 0, canonical.length);
        int body = canonical.length - 1; // without the closing brace
        byte[] line = new byte[body + CRC_SUFFIX_LEN + 1];
        System.arraycopy(canonical, 0, line, 0, body);
        int p = body;
        System.arraycopy(CRC_PREFIX, 0, line, p, CRC_PREFIX.length);
        p += CRC_PREFIX.length;
        long value = crc.getValue();
        for (int shift = 28; shift >= 0; shift -= 4) {
            line[p++] = HEX[(int) (value >>> shift) & 0xf];
        }
        line[p++] = '"';
        line[p++] = '}';
        line[p] = '\n';
        return line;
    }

    /** The records of a file and where its good part ends. */
    static final class Scan {
        final List<JournalRecord> records = new ArrayList<>();
        /** The line (from 1) of each of {@link #records}. */
        final List<Long> lines = new ArrayList<>();
        long validLength;
        String tornReason;
    }

    /**
     * Parses a whole run file: every line but the last must be a good record; a bad or
     * unterminated last line is reported as torn, not as corruption, unless it is complete and
     * its checksum matches (no torn write leaves that) or it is a record of a newer format: those
     * are never taken for torn, so a journal written by a newer Backstep is not truncated.
     */
    static Scan scan(Path file, RunId runId, byte[] bytes) {
        Scan scan = new Scan();
        Set<Long> sequences = new HashSet<>();
        int pos = 0;
        long lineNo = 0;
        while (pos < bytes.length) {
            lineNo++;
            int nl = indexOf(bytes, (byte) '\n', pos);
            if (nl < 0) {
                scan.tornReason = "no trailing newline";
                break;
            }
            Object parsed = decode(runId, bytes, pos, nl);
            if (parsed instanceof String problem) {
                Long newer = newerVersion(bytes, pos, nl);
                if (newer != null) {
                    throw new UnsupportedJournalVersionException(file, lineNo, newer, FORMAT_VERSION);
                }
                if (nl + 1 == bytes.length) {
                    scan.tornReason = problem;
                    break;
                }
                throw new JournalCorruptedException(file, lineNo, problem);
            }
            if (parsed instanceof Checksummed bad) {
                if (bad.version() != null) {
                    throw new UnsupportedJournalVersionException(file, lineNo, bad.version(), FORMAT_VERSION);
                }
                throw new JournalCorruptedException(file, lineNo, bad.reason());
            }
            JournalRecord record = (JournalRecord) parsed;
            if (!sequences.add(record.sequence())) {
                throw new JournalCorruptedException(file, lineNo, "sequence " + record.sequence()
                        + " appears twice");
            }
            scan.records.add(record);
            scan.lines.add(lineNo);
            pos = nl + 1;
            scan.validLength = pos;
        }
        return scan;
    }

    /**
     * A line whose checksum matches, so it is exactly what some writer wrote, that this version
     * cannot take as a record: never a torn write.
     *
     * @param version the line's format version when it is newer than {@link #FORMAT_VERSION}
     */
    record Checksummed(String reason, Long version) {
    }

    /**
     * The format version of a complete JSON line that is newer than this code's, or null: a
     * newer format may checksum its records another way, so this is asked before a bad line is
     * taken for a torn one.
     */
    private static Long newerVersion(byte[] b, int start, int end) {
        if (end - start < 2 || b[start] != '{' || b[end - 1] != '}') {
            return null;
        }
        try {
            String text = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, end - start)).toString();
            Object v = JsonText.parse(text).get("v");
            return v instanceof Long version && version > FORMAT_VERSION ? version : null;
        } catch (CharacterCodingException | JsonText.JsonException e) {
            return null;
        }
    }

    /**
     * A {@link JournalRecord}; a String saying what is wrong with a line that may be torn; or a
     * {@link Checksummed} for a line that matches its checksum and still is no record.
     */
    static Object decode(RunId runId, byte[] b, int start, int end) {
        int len = end - start;
        if (len == 0) {
            return "empty line";
        }
        if (len < CRC_SUFFIX_LEN + 2) {
            return "line too short to be a record (" + len + " bytes)";
        }
        int crcStart = end - CRC_SUFFIX_LEN;
        for (int i = 0; i < CRC_PREFIX.length; i++) {
            if (b[crcStart + i] != CRC_PREFIX[i]) {
                return "no checksum at the end of the line";
            }
        }
        int hexStart = crcStart + CRC_PREFIX.length;
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(b[hexStart + i], 16);
            if (d < 0 || (b[hexStart + i] >= 'A' && b[hexStart + i] <= 'F')) {
                return "malformed checksum";
            }
            stored = (stored << 4) | d;
        }
        if (b[end - 2] != '"' || b[end - 1] != '}') {
            return "no checksum at the end of the line";
        }
        // over the bytes as stored: a line verifies whichever writer wrote it
        CRC32C crc = new CRC32C();
        crc.update(b, start, crcStart - start);
        crc.update('}');
        if (crc.getValue() != stored) {
            return String.format("checksum mismatch (stored %08x, computed %08x)", stored, crc.getValue());
        }
        String text;
        try {
            text = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, len)).toString();
        } catch (CharacterCodingException e) {
            return new Checksummed("not valid UTF-8", null);
        }
        Map<String, Object> m;
        try {
            m = JsonText.parse(text);
        } catch (JsonText.JsonException e) {
            return new Checksummed(e.getMessage(), null);
        }
        for (String key : m.keySet()) {
            if (!FIELDS.contains(key)) {
                return new Checksummed("unexpected field '" + key + "'", null);
            }
        }
        if (!Long.valueOf(FORMAT_VERSION).equals(m.get("v"))) {
            return m.get("v") instanceof Long v && v > FORMAT_VERSION ? new Checksummed(null, v)
                    : new Checksummed("unsupported record format version " + m.get("v"), null);
        }
        if (!(m.get("runId") instanceof String id) || !id.equals(runId.value())) {
            return new Checksummed("record belongs to run '" + m.get("runId") + "', not to '" + runId + "'", null);
        }
        if (!(m.get("seq") instanceof Long seq) || seq < 0) {
            return new Checksummed("missing or invalid sequence", null);
        }
        Instant at;
        try {
            at = Instant.parse((String) m.get("at"));
        } catch (ClassCastException | NullPointerException | DateTimeParseException e) {
            return new Checksummed("missing or invalid timestamp", null);
        }
        JournalRecord.Type type;
        try {
            type = JournalRecord.Type.valueOf((String) m.get("type"));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            return new Checksummed("unknown record type '" + m.get("type") + "'", null);
        }
        Object step = m.get("step");
        if (!m.containsKey("step") || (step != null && !(step instanceof String))) {
            return new Checksummed("missing or invalid step", null);
        }
        if (!(m.get("data") instanceof Map<?, ?> data)) {
            return new Checksummed("missing or invalid data", null);
        }
        Map<String, String> values = new LinkedHashMap<>();
        data.forEach((k, v) -> values.put((String) k, (String) v)); // JsonText guarantees strings
        return new JournalRecord(runId, seq, at, type, java.util.Optional.ofNullable((String) step), values);
    }

    // ---------------------------------------------------------------- helpers

    private Path keyOf(RunId runId) {
        return realRunsDir.resolve(runId.value() + SUFFIX);
    }

    private static ReentrantLock fileLock(Path key) {
        return FILE_LOCKS[stripeIndex(key)];
    }

    private static int stripeIndex(Path key) {
        int h = key.hashCode();
        return ((h ^ (h >>> 16)) & 0x7fffffff) % STRIPES;
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] readAll(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new BackstepException("journal file " + file + " is too large (" + size + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining()) {
            if (ch.read(buf, buf.position()) < 0) {
                break;
            }
        }
        if (buf.hasRemaining()) {
            byte[] shorter = new byte[buf.position()];
            System.arraycopy(buf.array(), 0, shorter, 0, shorter.length);
            return shorter;
        }
        return buf.array();
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void closeLogged(RunWriter w) {
        try {
            w.close();
        } catch (IOException e) {
            // every record was already fsynced: nothing is lost, but say so
            log.warn("cannot close journal file {}: {}", w.file, e.toString());
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing with a more useful exception
        }
    }

    /** An open run file. Guarded by its file lock. */
    private static final class RunWriter {
        final RunId runId;
        final Path file;
        final Path key;
        final FileChannel channel;
        final java.nio.channels.FileLock osLock;
        final Set<Long> sequences = new HashSet<>();
        long size;
        /** Set once {@link #size} is known, before the writer is used. */
        GroupCommit commit;
        volatile long lastUsed;

        RunWriter(RunId runId, Path file, Path key, FileChannel channel, java.nio.channels.FileLock osLock) {
            this.runId = runId;
            this.file = file;
            this.key = key;
            this.channel = channel;
            this.osLock = osLock;
        }

        /** Writes the lines (not yet durable: see {@link #commit}); returns where they end. */
        long write(List<Long> newSequences, byte[] lines) throws IOException {
            Set<Long> seen = new HashSet<>();
            for (long sequence : newSequences) {
                if (sequences.contains(sequence) || !seen.add(sequence)) {
                    throw new BackstepException("run " + runId + ": sequence " + sequence
                            + " was already appended to " + file + "; sequence numbers must be unique per run");
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(lines);
            long p = size;
            while (buf.hasRemaining()) {
                p += channel.write(buf, p);
            }
            size = p;
            sequences.addAll(newSequences);
            commit.wrote(p);
            return p;
        }

        /** Waits for every written record to be durable, then releases the OS lock and closes. */
        void close() throws IOException {
            try {
                commit.awaitDurable(size);
            } finally {
                try {
                    if (osLock.isValid()) {
                        osLock.release();
                    }
                } finally {
                    channel.close();
                }
            }
        }

        void closeQuietly() {
            try {
                try {
                    if (osLock.isValid()) {
                        osLock.release();
                    }
                } finally {
                    channel.close();
                }
            } catch (IOException ignored) {
                // already failing with a more useful exception
            }
        }
    }
}
