package dev.backstep.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.backstep.BackstepException;
import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index of a {@link DirectoryJournal}: target to runs, run to target, plan, place, status
 * and whether it may need recovery, in {@code <dir>/runs.index} beside {@code <dir>/runs}. It
 * only ever narrows which run files are read: the runner reads every run it names and checks
 * the run's target again, and the run files stay the truth.
 *
 * <p>The file is a log of checksummed lines (CRC32C per line), owner-only (0600), never opened
 * through a symbolic link. Every journal that writes to the directory appends a line before a
 * run starts or a rollback of it starts ({@code run}, {@code open}: the index says "may need
 * recovery" before the run file does) and after its {@code RUN_FINISHED} or {@code
 * RUN_MARKED_GOOD} is durable ({@code done}, {@code good}, with the run file's length and
 * modification time); lines are appended under a lock ({@code runs.index.lock}), and other
 * journals read the lines added since they last looked (one {@code stat} per lookup). The lines
 * are not forced: a line lost in a power failure (another boot) is what the check at open repairs.
 *
 * <p>A journal that opens an index it can trust checks only what it is asked about, so opening
 * a journal and answering for one target cost the same at 100 runs as at 100,000: a lookup of a
 * target compares that target's run files with their entries (one {@code stat} each) and reads
 * those that differ; {@code runs/} is listed only when its modification time (ns, compared
 * exactly) is not the one at which the index knew every run file (a {@code dir} line: written
 * after a listing that saw no change, and by a journal that created a run file when the index
 * knew every file just before). A run file created behind the index's back (a writer that does
 * not keep it, a copy by hand) changes that time. The index is trusted when it was written in
 * this boot (no appended line can have been lost to a power failure), its {@code self} line names
 * this very file (not a copy put in its place), every line carries its own offset (no line was
 * removed or inserted) and it is not shorter than the length kept in the lock file (not cut
 * short). Otherwise, and when it is missing or a line fails its checksum, it is checked against
 * every run file as before: every run file without an entry, with another length or modification
 * time than its entry, or with an entry written before its run finished is read again; entries
 * without a run file are dropped; a symbolic link in its place is never followed. The checked
 * index is written back atomically (a new file, forced, renamed over the old one, directory
 * forced). A finished run whose file is changed by hand is found by the next lookup of its
 * target (and then named for every target), by the first {@link #unfinished} of a journal (one
 * {@code stat} per run), or by {@link Journal#verify()}.
 *
 * <pre>{@code
 * JournalIndex index = new JournalIndex(dir, runsDir, journal::fileOf, journal::read);
 * List<RunId> runs = index.runsOf("shop@prod");
 * }</pre>
 */
final class JournalIndex {
    private static final Logger log = LoggerFactory.getLogger(JournalIndex.class);
    static final String FILE = "runs.index";
    static final String LOCK = "runs.index.lock";
    /** 2: every line ends with its own offset in the file, and a rewritten index starts with a {@code self} line. */
    private static final String VERSION = "2";
    /** This boot of the machine: lines appended during it cannot have been lost by a power failure. */
    private static final String BOOT = bootId();
    /** JVM-wide, by index file: journals of this process append one at a time (the OS lock is per process). */
    private static final ConcurrentHashMap<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

    /**
     * One run as the index knows it.
     *
     * @param target null when unknown (a damaged or unreadable run): named for every target
     * @param length the run file's length when the entry was written; -1 when the run was still
     *     going (read again when the index is checked)
     */
    record Entry(RunId runId, String target, String plan, long order, String status, boolean good, boolean open,
                 long length, long modified) {
    }

    private final Path file;
    private final Path lockFile;
    private final Path dir;
    private final Path runsDir;
    private final Function<RunId, Path> fileOf;
    private final Function<RunId, List<JournalRecord>> reader;
    private final ReentrantLock writer;

    // guarded by this
    private Map<RunId, Entry> entries;
    private final Map<String, Set<RunId>> byTarget = new HashMap<>();
    private final Set<RunId> unknown = new LinkedHashSet<>();
    /** The runs that may need recovery and those of unknown target: what {@link #unfinished} answers. */
    private final Set<RunId> open = new LinkedHashSet<>();
    private Object fileKey;
    private long offset;
    /** How many index files this instance has rebuilt or written back: for tests. */
    private int rewrites;
    /** How many run files this instance has read: for tests. */
    private int scans;
    /** Lines applied since the last load. */
    private long linesRead;
    /** The {@code self} line of the loaded file: its file key and boot, as written. */
    private String selfKey;
    private String selfBoot;
    /**
     * The modification time (ns) of {@code runs/} at which every run file in it was known to the
     * index (an entry, or a {@code run} line written before the file was created); null when unknown.
     */
    private Long dirKnown;
    /** Run files this instance has stat-ed or read, and listings of {@code runs/}: for tests. */
    private int runFileAccesses;
    private int listings;
    /** The modification time of {@code runs/} just before a run file of this journal was created, by run. */
    private final Map<RunId, Long> beforeCreate = new ConcurrentHashMap<>();
    private boolean loading;
    /** Whether {@link #unfinished} compared every run file with its entry already. */
    private boolean statChecked;

    /**
     * @param dir the journal directory (real path: journals of this process that reach it by other
     *     paths share one lock)
     */
    JournalIndex(Path dir, Path runsDir, Function<RunId, Path> fileOf, Function<RunId, List<JournalRecord>> reader) {
        this.dir = dir;
        this.runsDir = runsDir;
        this.file = dir.resolve(FILE);
        this.lockFile = dir.resolve(LOCK);
        this.fileOf = fileOf;
        this.reader = reader;
        this.writer = WRITERS.computeIfAbsent(file, f -> new ReentrantLock());
    }

    // ---------------------------------------------------------------- lookups

    /** The runs of {@code target} and every run of unknown target. */
    synchronized List<RunId> runsOf(String target) {
        refresh();
        findUnknownFiles();
        checkRuns(byTarget.getOrDefault(target, Set.of()));
        resolveUnknown();
        List<RunId> out = new ArrayList<>(byTarget.getOrDefault(target, Set.of()));
        out.addAll(unknown);
        return out;
    }

    /**
     * The runs that may need recovery, and every run of unknown target: those the index says were
     * still going or being rolled back, and run files the index does not know. The first time this
     * journal is asked, every run file's length and modification time are also compared with its
     * entry (one {@code stat} per run, no read): a finished run damaged or changed behind the
     * index's back (bit rot, by hand) is read again and reported. Later calls trust the lines every
     * writer appends ({@link Journal#verify()} checks every run).
     */
    synchronized List<RunId> unfinished() {
        refresh();
        findUnknownFiles();
        if (!statChecked) {
            checkRuns(new LinkedHashSet<>(entries.keySet()));
            statChecked = true;
        }
        return new ArrayList<>(open);
    }

    /**
     * Compares the run files of {@code runs} with their entries (one {@code stat} each); reads again
     * those that differ, drops those that are gone, and appends what changed. Caller holds this.
     */
    private void checkRuns(Set<RunId> runs) {
        for (RunId id : new ArrayList<>(runs)) {
            Entry e = entries.get(id);
            if (e == null || e.length() < 0) {
                continue; // read by the caller anyway; a run still being created keeps its entry
            }
            try {
                runFileAccesses++;
                BasicFileAttributes a = Files.readAttributes(fileOf.apply(id), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!matches(e, a)) {
                    Entry now = scan(id, a);
                    put(now);
                    write(at -> putLine(now, at));
                }
            } catch (NoSuchFileException gone) {
                remove(id);
                write(at -> line(at, "del", id.value()));
            } catch (IOException unreadable) {
                put(unknownEntry(id));
            }
        }
    }

    private static boolean matches(Entry e, BasicFileAttributes a) {
        return e.length() >= 0 && a.isRegularFile() && a.size() == e.length()
                && a.lastModifiedTime().to(TimeUnit.NANOSECONDS) == e.modified();
    }

    /**
     * Lists {@code runs/} when its modification time is not the one at which the index knew every
     * run file (a run file created or deleted behind the index's back changes it): new files are
     * read, entries without a file dropped, and the index written back when anything changed. A
     * time with no sub-second part (a file system that keeps seconds) is never trusted. Caller
     * holds this.
     */
    private void findUnknownFiles() {
        long now = dirStamp();
        if (dirKnown != null && now == dirKnown && now % 1_000_000_000L != 0) {
            return;
        }
        if (check(false)) {
            rewrite();
        }
    }

    /** The modification time of {@code runs/} in ns, or 0 when it cannot be read. */
    private long dirStamp() {
        try {
            return Files.readAttributes(runsDir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime().to(TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The entry of a run, after a refresh; null when the index has none. */
    synchronized Entry entry(RunId runId) {
        refresh();
        return entries.get(runId);
    }

    synchronized int rewrites() {
        return rewrites;
    }

    synchronized int scans() {
        return scans;
    }

    /** A read of {@code runId} found its file damaged: the run may be of any target, and needs recovery. */
    synchronized void damaged(RunId runId) {
        if (loading) {
            return; // the index's own read while loading: it keeps the run as of unknown target itself
        }
        refresh();
        Entry e = entries.get(runId);
        if (e != null && e.target() == null) {
            return;
        }
        Entry now = unknownEntry(runId);
        put(now);
        write(at -> putLine(now, at));
    }

    /** Run files stat-ed or read by this instance. */
    synchronized int runFileAccesses() {
        return runFileAccesses;
    }

    /** Listings of {@code runs/} by this instance. */
    synchronized int listings() {
        return listings;
    }

    // ---------------------------------------------------------------- hooks of the journal

    /** Before {@code r} reaches its run file: a run or a rollback starts, so the run may need recovery. */
    void before(JournalRecord r) {
        if (r.type() == JournalRecord.Type.RUN_STARTED) {
            Map<String, String> d = r.data();
            write(at -> line(at, "run", r.runId().value(), enc(d.get("target")), enc(d.get("plan")),
                    Long.toString(RunOrder.placeOf(r))));
            beforeCreate.put(r.runId(), dirStamp());
        } else if (r.type() == JournalRecord.Type.ROLLBACK_STARTED) {
            write(at -> line(at, "open", r.runId().value()));
        }
    }

    /** After {@code r} is durable in its run file. */
    void after(JournalRecord r) {
        if (r.type() == JournalRecord.Type.RUN_STARTED) {
            Long before = beforeCreate.remove(r.runId());
            if (before != null) {
                knownAfterCreate(before, dirStamp());
            }
        } else if (r.type() == JournalRecord.Type.RUN_FINISHED) {
            long[] stat = stat(r.runId());
            write(at -> line(at, "done", r.runId().value(), enc(r.data().get("status")), Long.toString(stat[0]),
                    Long.toString(stat[1])));
        } else if (r.type() == JournalRecord.Type.RUN_MARKED_GOOD) {
            long[] stat = stat(r.runId());
            write(at -> line(at, "good", r.runId().value(), Long.toString(stat[0]), Long.toString(stat[1])));
        }
    }

    /**
     * This journal created a run file (its {@code run} line first): when the index knew every run
     * file just before, it still does, at the directory's new time, and says so ({@code dir} line).
     */
    private synchronized void knownAfterCreate(long before, long after) {
        if (entries == null) {
            return; // not loaded by this journal: the next one to look lists the directory once
        }
        refresh();
        if (dirKnown != null && dirKnown == before && after != 0 && after % 1_000_000_000L != 0) {
            dirKnown = after;
            write(at -> line(at, "dir", Long.toString(after)));
        }
    }

    /** Retention removed these runs' files. */
    void removed(List<RunId> runs) {
        for (RunId id : runs) {
            write(at -> line(at, "del", id.value()));
        }
    }

    private long[] stat(RunId id) {
        try {
            BasicFileAttributes a = Files.readAttributes(fileOf.apply(id), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new long[] {a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)};
        } catch (IOException e) {
            return new long[] {-1, -1}; // read again at the next check
        }
    }

    /**
     * Appends a line under the lock. A line that cannot be written would leave other journals
     * with an index that misses it: the index file is deleted instead (every journal rebuilds it),
     * and when even that fails the append is refused.
     */
    private void write(java.util.function.LongFunction<String> lineAt) {
        writer.lock();
        try (FileChannel lock = OwnerOnlyFiles.openOrCreate(lockFile); java.nio.channels.FileLock held = lock.lock()) {
            // read back by every journal's next lookup (this one's too), in the order of the file
            try (FileChannel ch = OwnerOnlyFiles.openOrCreate(file, StandardOpenOption.APPEND)) {
                DirectoryJournal.writeFully(ch, ByteBuffer.wrap(lineAt.apply(ch.size()).getBytes(UTF_8)));
                recordLength(lock, ch.size());
            }
        } catch (IOException | BackstepException e) {
            try {
                Files.deleteIfExists(file);
                log.warn("journal index {} cannot be written ({}); deleted, it is rebuilt from the run files", file,
                        e.toString());
            } catch (IOException ex) {
                e.addSuppressed(ex);
                throw new BackstepException("cannot write journal index " + file + " and cannot delete it: " + e, e);
            }
        } finally {
            writer.unlock();
        }
    }

    // ---------------------------------------------------------------- load, check, refresh

    /** Caller holds this. Loads and checks on first use; then reads the lines other journals added. */
    private void refresh() {
        if (entries == null) {
            load();
            return;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            load(); // deleted (damaged elsewhere, or by hand): rebuild
            return;
        }
        if (!a.isRegularFile() || !Objects.equals(a.fileKey(), fileKey) || a.size() < offset) {
            load();
            return;
        }
        if (a.size() == offset) {
            return;
        }
        try {
            byte[] tail = readFrom(offset);
            int used = apply(tail, offset, false);
            if (used < 0) {
                load();
                return;
            }
            offset += used;
        } catch (IOException e) {
            load();
        }
    }

    /** Reads the index file, checks it against the run files, writes it back when it was not right. */
    private void load() {
        loading = true;
        try {
            loadAndCheck();
        } finally {
            loading = false;
        }
    }

    private void loadAndCheck() {
        entries = new HashMap<>();
        linesRead = 0;
        selfKey = null;
        selfBoot = null;
        dirKnown = null;
        byTarget.clear();
        unknown.clear();
        open.clear();
        boolean sound = false;
        long recorded = recordedLength(); // before the file: a line appended since only makes the file longer
        long length = 0;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile()) {
                fileKey = a.fileKey();
                byte[] bytes = readFrom(0);
                int used = apply(bytes, 0, true);
                sound = used == bytes.length;
                length = bytes.length;
                offset = used < 0 ? 0 : used;
                if (used < 0) {
                    log.warn("journal index {} is damaged; rebuilding it from the run files", file);
                    entries.clear();
                    byTarget.clear();
                    unknown.clear();
                    open.clear();
                }
            } else {
                log.warn("journal index {} is not a regular file; rebuilding it from the run files", file);
            }
        } catch (NoSuchFileException e) {
            log.debug("journal index {} is missing; building it from the run files", file);
        } catch (IOException e) {
            log.warn("journal index {} cannot be read ({}); rebuilding it from the run files", file, e.toString());
            entries.clear();
            byTarget.clear();
            unknown.clear();
            open.clear();
        }
        // written by a journal of this boot as this very file: no line of it was lost or edited
        // (a removed or inserted line moves the offsets the lines after it carry)
        boolean trusted = sound && length >= recorded && BOOT != null && BOOT.equals(selfBoot) && fileKey != null
                && fileKey.toString().equals(selfKey);
        if (!trusted) {
            dirKnown = null;
            check(true);
            rewrite();
        } else if (linesRead > 2L * entries.size() + 1000) {
            // lines of runs that finished since the last rewrite pile up (about four a run): compact them
            rewrite();
        }
    }

    /**
     * Lists the run files: reads those without an entry (and, when {@code stat}, those whose
     * length or modification time is not their entry's), drops entries without a file. Records
     * the directory time at which every file was known when the listing saw no change. True when
     * anything changed.
     */
    private boolean check(boolean stat) {
        boolean changed = false;
        Set<RunId> seen = new HashSet<>();
        listings++;
        long before = dirStamp();
        try (Stream<Path> files = Files.list(runsDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.endsWith(DirectoryJournal.SUFFIX)) {
                    continue;
                }
                RunId id;
                try {
                    id = RunId.of(name.substring(0, name.length() - DirectoryJournal.SUFFIX.length()));
                } catch (BackstepException notARun) {
                    continue;
                }
                seen.add(id);
                Entry e = entries.get(id);
                if (e != null && !stat) {
                    continue; // the lookup compares the runs it names
                }
                BasicFileAttributes a;
                try {
                    runFileAccesses++;
                    a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException gone) {
                    continue;
                }
                if (e != null && matches(e, a)) {
                    continue;
                }
                Entry now = scan(id, a);
                if (!now.equals(e)) { // a run still going reads the same as its entry: nothing to write back
                    put(now);
                    changed = true;
                }
            }
        } catch (IOException e) {
            throw new BackstepException("cannot list journal directory " + runsDir + ": " + e, e);
        }
        for (Entry e : new ArrayList<>(entries.values())) {
            RunId id = e.runId();
            // a run registered but whose file is not created yet is kept: its writer is starting it
            if (!seen.contains(id) && !(e.length() < 0 && e.open() && e.target() != null)) {
                remove(id);
                changed = true;
            }
        }
        long after = dirStamp();
        dirKnown = before == after && before != 0 ? before : null;
        return changed;
    }

    /** The entry of a run from its file; unknown target when it cannot be read. */
    private Entry scan(RunId id, BasicFileAttributes a) {
        long length = a.isRegularFile() ? a.size() : -1;
        long modified = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        scans++;
        runFileAccesses++;
        try {
            List<JournalRecord> records = reader.apply(id);
            // length -1 (read again at the next check) comes with modification time 0, as in a "run" line
            if (records.isEmpty()) {
                // a process died writing the first record, or is writing it now: read again next time
                return new Entry(id, null, null, 0, null, false, false, -1, 0);
            }
            JournalScan.Facts f = JournalScan.facts(records);
            return new Entry(id, f.target(), f.plan(), f.order(), f.status(), f.good(), f.open(),
                    f.open() ? -1 : length, f.open() ? 0 : modified);
        } catch (JournalCorruptedException e) {
            return unknownEntry(id);
        }
    }

    /** Reads the runs of unknown target again: most are runs another journal was starting. Caller holds this. */
    private void resolveUnknown() {
        for (RunId id : new ArrayList<>(unknown)) {
            try {
                runFileAccesses++;
                BasicFileAttributes a = Files.readAttributes(fileOf.apply(id), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                Entry now = scan(id, a);
                if (now.target() != null) {
                    put(now);
                }
            } catch (NoSuchFileException gone) {
                remove(id);
            } catch (IOException ignored) {
                // stays unknown: named for every target, the reader reports what is wrong
            }
        }
    }

    /** Writes the entries as a new index file, atomically. Caller holds this. */
    private void rewrite() {
        writer.lock();
        try (FileChannel lock = OwnerOnlyFiles.openOrCreate(lockFile); java.nio.channels.FileLock held = lock.lock()) {
            // lines other journals appended while this one was checking: newer than what it read
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && Objects.equals(a.fileKey(), fileKey) && a.size() > offset) {
                    int used = apply(readFrom(offset), offset, false);
                    if (used > 0) {
                        offset += used;
                    }
                }
            } catch (IOException ignored) {
                // nothing to merge
            }
            Path tmp = dir.resolve(FILE + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            byte[] bytes;
            try (FileChannel ch = OwnerOnlyFiles.createNew(tmp)) {
                // the file names itself (the rename keeps its key): a copy put in its place is not trusted
                Object key = Files.readAttributes(tmp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                StringBuilder text = new StringBuilder(entries.size() * 120 + 200);
                text.append(line(0, "self", enc(key == null ? null : key.toString()), enc(BOOT)));
                for (Entry e : entries.values()) {
                    text.append(putLine(e, text.length()));
                }
                // last: an index cut short loses this line too, and the next journal lists the directory
                if (dirKnown != null) {
                    text.append(line(text.length(), "dir", Long.toString(dirKnown)));
                }
                bytes = text.toString().getBytes(UTF_8);
                DirectoryJournal.writeFully(ch, ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            recordLength(lock, bytes.length);
            OwnerOnlyFiles.fsyncDirectory(dir);
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            fileKey = a.fileKey();
            offset = bytes.length;
            rewrites++;
        } catch (IOException e) {
            // the index is a cache: without it every lookup still works, from this memory
            log.warn("cannot write journal index {}: {}", file, e.toString());
            fileKey = null;
            offset = 0;
        } finally {
            writer.unlock();
        }
    }

    // ---------------------------------------------------------------- lines

    private static String putLine(Entry e, long at) {
        return line(at, "put", e.runId().value(), enc(e.target()), enc(e.plan()), Long.toString(e.order()),
                enc(e.status()), e.good() ? "1" : "0", e.open() ? "1" : "0", Long.toString(e.length()),
                Long.toString(e.modified()));
    }

    /**
     * {@code 2 op fields... @offset crc}: fields URL-encoded, {@code -} for none, the line's offset
     * in the file (ASCII before it: characters are bytes), CRC32C of the rest.
     */
    private static String line(long at, String op, String... fields) {
        StringBuilder b = new StringBuilder(96).append(VERSION).append(' ').append(op);
        for (String f : fields) {
            b.append(' ').append(f);
        }
        b.append(" @").append(at);
        CRC32C crc = new CRC32C();
        byte[] bytes = b.toString().getBytes(UTF_8);
        crc.update(bytes, 0, bytes.length);
        return b.append(' ').append(String.format("%08x", crc.getValue())).append('\n').toString();
    }

    private static String enc(String value) {
        return value == null ? "-" : "=" + URLEncoder.encode(value, UTF_8);
    }

    private static String dec(String field) {
        if (field.equals("-")) {
            return null;
        }
        if (!field.startsWith("=")) {
            throw new IllegalArgumentException("bad field");
        }
        return field.indexOf('%') < 0 && field.indexOf('+') < 0 ? field.substring(1)
                : URLDecoder.decode(field.substring(1), UTF_8);
    }

    /**
     * Applies the complete lines of {@code bytes}; returns how many bytes they take, or -1 when a
     * line is damaged. An unterminated last line is left for later (a writer is appending it),
     * unless {@code whole} and it is damaged anyway.
     */
    private int apply(byte[] bytes, long base, boolean whole) {
        int pos = 0;
        while (pos < bytes.length) {
            int nl = pos;
            while (nl < bytes.length && bytes[nl] != '\n') {
                nl++;
            }
            if (nl == bytes.length) {
                // an append in progress or torn by a crash: a rebuild reads every run file again
                return whole ? -1 : pos;
            }
            // the checksum on the bytes first: most of the cost of opening a large index
            int sp = nl - 1;
            while (sp > pos && bytes[sp] != ' ') {
                sp--;
            }
            if (sp <= pos || nl - sp - 1 != 8) {
                return -1;
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, pos, sp - pos);
            long written;
            try {
                written = Long.parseLong(new String(bytes, sp + 1, 8, java.nio.charset.StandardCharsets.ISO_8859_1), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
            if (written != crc.getValue() || !applyFields(new String(bytes, pos, sp - pos, UTF_8), base + pos)) {
                return -1;
            }
            linesRead++;
            pos = nl + 1;
        }
        return pos;
    }

    /** The fields of a line whose checksum matched. */
    private boolean applyFields(String body, long at) {
        String[] f = body.split(" ", -1);
        try {
            if (f.length < 3 || !f[0].equals(VERSION) || !f[f.length - 1].equals("@" + at)) {
                return false;
            }
            if (f[1].equals("self")) {
                if (at != 0) {
                    return false;
                }
                selfKey = dec(f[2]);
                selfBoot = dec(f[3]);
                return true;
            }
            if (f[1].equals("dir")) {
                dirKnown = Long.parseLong(f[2]);
                return true;
            }
            RunId id = RunId.of(f[2]);
            Entry e = entries.get(id);
            switch (f[1]) {
                case "put" -> put(new Entry(id, dec(f[3]), dec(f[4]), Long.parseLong(f[5]), dec(f[6]),
                        f[7].equals("1"), f[8].equals("1"), Long.parseLong(f[9]), Long.parseLong(f[10])));
                case "run" -> put(new Entry(id, dec(f[3]), dec(f[4]), Long.parseLong(f[5]), null, false, true, -1, 0));
                case "open" -> put(e == null ? unknownEntry(id)
                        : new Entry(id, e.target(), e.plan(), e.order(), null, false, true, -1, 0));
                case "done" -> {
                    String status = dec(f[3]);
                    put(e == null ? unknownEntry(id) : new Entry(id, e.target(), e.plan(), e.order(), status, false,
                            status == null || status.equals("INTERRUPTED"), Long.parseLong(f[4]), Long.parseLong(f[5])));
                }
                case "good" -> put(e == null ? unknownEntry(id) : new Entry(id, e.target(), e.plan(), e.order(),
                        e.status(), "SUCCEEDED".equals(e.status()), e.open(), Long.parseLong(f[3]), Long.parseLong(f[4])));
                case "del" -> remove(id);
                default -> {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException malformed) { // BackstepException, NumberFormat, index, decoding
            return false;
        }
    }

    /**
     * The index's length after the last write, kept in the lock file (written under the lock): an
     * index shorter than that lost lines (cut short, or an older copy put in its place).
     */
    private static void recordLength(FileChannel lock, long length) throws IOException {
        // text, fixed width: the journal's files stay readable as text
        ByteBuffer b = ByteBuffer.wrap(String.format("%019d\n", length).getBytes(UTF_8));
        while (b.hasRemaining()) {
            lock.write(b, b.position());
        }
    }

    private long recordedLength() {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer b = ByteBuffer.allocate(20);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // until 20 bytes or the end
            }
            return b.hasRemaining() ? Long.MAX_VALUE : Long.parseLong(new String(b.array(), 0, 19, UTF_8));
        } catch (IOException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String bootId() {
        try {
            String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), UTF_8).strip();
            return id.isEmpty() ? null : id;
        } catch (IOException | RuntimeException e) {
            return null; // every journal checks the index against every run file when it opens
        }
    }

    private static Entry unknownEntry(RunId id) {
        return new Entry(id, null, null, 0, null, false, true, -1, 0);
    }

    private void put(Entry e) {
        remove(e.runId());
        entries.put(e.runId(), e);
        if (e.open() || e.target() == null) {
            open.add(e.runId());
        }
        if (e.target() == null) {
            unknown.add(e.runId());
        } else {
            byTarget.computeIfAbsent(e.target(), t -> new LinkedHashSet<>()).add(e.runId());
        }
    }

    private void remove(RunId id) {
        Entry old = entries.remove(id);
        if (old == null) {
            return;
        }
        open.remove(id);
        if (old.target() == null) {
            unknown.remove(id);
        } else {
            Set<RunId> runs = byTarget.get(old.target());
            if (runs != null) {
                runs.remove(id);
                if (runs.isEmpty()) {
                    byTarget.remove(old.target());
                }
            }
        }
    }

    private byte[] readFrom(long from) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size - from > Integer.MAX_VALUE - 8) {
                throw new IOException("journal index " + file + " is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, size - from));
            long p = from;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, p);
                if (n < 0) {
                    break;
                }
                p += n;
            }
            byte[] out = new byte[buf.position()];
            System.arraycopy(buf.array(), 0, out, 0, out.length);
            return out;
        }
    }
}
