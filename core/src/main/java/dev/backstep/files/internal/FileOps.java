package dev.backstep.files.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Low-level file operations shared by the file and release steps: checksums, modes, atomic writes. */
public final class FileOps {
    private static final Logger LOG = LoggerFactory.getLogger(FileOps.class);
    private static final Pattern OCTAL_MODE = Pattern.compile("0?[0-7]{3,4}");
    /** Owner-only file mode. */
    public static final String PRIVATE_FILE = "0600";
    /** Owner-only directory mode. */
    public static final String PRIVATE_DIR = "0700";

    private FileOps() {
    }

    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static boolean isSha256(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }

    /** True for {@code 640}, {@code 0640}, {@code 2750}. */
    public static boolean isOctalMode(String mode) {
        return mode != null && OCTAL_MODE.matcher(mode).matches();
    }

    public static int parseMode(String octal) {
        if (!isOctalMode(octal)) {
            throw new IllegalArgumentException("not an octal file mode: '" + octal + "'");
        }
        return Integer.parseInt(octal, 8);
    }

    /** {@code 0640}-style text of a mode. */
    public static String formatMode(int mode) {
        return String.format("%04o", mode & 07777);
    }

    /** The permission bits (with setuid, setgid, sticky) of a file, following links. */
    public static String modeOf(Path p) throws IOException {
        return formatMode((Integer) Files.getAttribute(p, "unix:mode"));
    }

    public static int uidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    public static int gidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid");
    }

    public static void setMode(Path p, String octal) throws IOException {
        Files.setAttribute(p, "unix:mode", parseMode(octal));
    }

    /**
     * Gives the file the owner and group, where the process may: a change that the operating
     * system refuses (not root, not a member of the group) is logged and skipped.
     */
    public static void setOwnerWherePermitted(Path p, Integer uid, Integer gid) throws IOException {
        if (uid != null) {
            setIdWherePermitted(p, "uid", uid, "owner", uidOf(p));
        }
        if (gid != null) {
            setIdWherePermitted(p, "gid", gid, "group", gidOf(p));
        }
    }

    /**
     * Sets {@code unix:<attribute>} unless it already is {@code current}; a refusal for want of
     * permission is logged and skipped.
     */
    private static void setIdWherePermitted(Path p, String attribute, int id, String role, int current)
            throws IOException {
        if (id == current) {
            return;
        }
        try {
            Files.setAttribute(p, "unix:" + attribute, id);
        } catch (FileSystemException e) {
            if (!(e instanceof AccessDeniedException) && !isNotPermitted(e)) {
                throw e;
            }
            LOG.warn("not permitted to give {} {} {} {}; it keeps {} {}", p, role, attribute, id, attribute, current);
        }
    }

    private static boolean isNotPermitted(FileSystemException e) {
        String r = e.getReason();
        return r != null && (r.contains("not permitted") || r.contains("Permission denied"));
    }

    /** A fresh temp-file name next to {@code target}, recognisable by {@link #isTempOf}. */
    public static Path tempSibling(Path target) {
        String rnd = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return target.resolveSibling("." + target.getFileName() + ".backstep-" + rnd + ".tmp");
    }

    /** Whether {@code candidate} is a temp file {@link #tempSibling} made for {@code target}. */
    public static boolean isTempOf(Path candidate, Path target) {
        String n = candidate.getFileName().toString();
        String prefix = "." + target.getFileName() + ".backstep-";
        return n.startsWith(prefix) && n.endsWith(".tmp")
                && n.length() == prefix.length() + 12 + 4;
    }

    /** Deletes temp files left next to {@code target} by an interrupted atomic write. */
    public static void deleteStaleTemps(Path target) throws IOException {
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + globEscape(target.getFileName().toString())
                + ".backstep-*.tmp")) {
            for (Path p : ds) {
                if (isTempOf(p, target) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    /**
     * Writes {@code data} to {@code target} so that a reader (or a crash) sees either the old or
     * the new complete file: a temp file in the same directory gets the mode, owner and bytes,
     * is synced, renamed over the target atomically, and the directory is synced.
     *
     * @param mode octal mode of the new file
     * @param uid owner to give the file where permitted, null to keep the process's
     * @param gid group to give the file where permitted, null to keep the process's
     * @param temp the temp file to use (must not exist; {@link #tempSibling})
     */
    public static void atomicWrite(Path target, byte[] data, String mode, Integer uid, Integer gid, Path temp,
                                   FaultHook hook) throws IOException {
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rw-------")))) {
                setOwnerWherePermitted(temp, uid, gid);
                setMode(temp, mode);
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            hook.at("before-rename");
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
        fsyncDir(target.getParent());
    }

    /** "a named pipe", "a socket", "a character device", "a block device" or "a special file". */
    public static String kindOf(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            switch (mode & 0170000) {
                case 0010000: return "a named pipe";
                case 0140000: return "a socket";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                default: return "a special file";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    /** Syncs a directory so that renames and deletions in it survive a power loss. */
    public static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Creates the directory (and parents) if needed and makes it owner-only (0700). */
    public static void ensurePrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        setMode(dir, PRIVATE_DIR);
    }

    /** Writes an owner-only (0600) file atomically and durably. */
    public static void writePrivateFile(Path file, byte[] data) throws IOException {
        atomicWrite(file, data, PRIVATE_FILE, null, null, tempSibling(file), FaultHook.NONE);
    }

    /**
     * Deletes a file, a symbolic link (not what it points to) or a directory tree without
     * following any link inside it.
     */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
            return;
        }
        Files.walkFileTree(p, new AfterEachDirectory() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            void afterDirectory(Path d) throws IOException {
                Files.delete(d);
            }
        });
    }

    /** A tree walk that acts on each directory after its entries, and fails on one it could not list. */
    private abstract static class AfterEachDirectory extends SimpleFileVisitor<Path> {
        abstract void afterDirectory(Path dir) throws IOException;

        @Override
        public final FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
                throw exc;
            }
            afterDirectory(dir);
            return FileVisitResult.CONTINUE;
        }
    }

    /**
     * Copies a directory tree: files with their modes and times, symbolic links as links (not
     * what they point to), then syncs every copied file and directory before returning.
     */
    public static void copyTree(Path source, Path target) throws IOException {
        // synced after the whole copy, from several threads: one fsync per file right after its
        // copy made the disk commit once per file (the bulk of a release copy's time)
        List<Path> toSync = new ArrayList<>();
        Files.walkFileTree(source, new AfterEachDirectory() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // created writable for us; its own mode and time are copied after its content
                Files.createDirectory(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isOther()) {
                    // a named pipe would block the copy forever (the step's validation refuses it first)
                    throw new IOException("cannot copy " + file + ": it is " + kindOf(file));
                }
                Path t = target.resolve(source.relativize(file).toString());
                Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isRegularFile()) {
                    toSync.add(t);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            void afterDirectory(Path dir) throws IOException {
                Path d = target.resolve(source.relativize(dir).toString());
                Files.setAttribute(d, "unix:mode", ((Integer) Files.getAttribute(dir, "unix:mode")) & 07777);
                Files.setLastModifiedTime(d, Files.getLastModifiedTime(dir));
                toSync.add(d);
            }
        });
        if (toSync.size() < SYNCFS_MIN_PATHS || !syncFileSystem(target)) {
            forceAll(toSync);
        }
    }

    /** From this many copied paths on, one syncfs is tried instead of a force per path. */
    static final int SYNCFS_MIN_PATHS = 64;

    private static final Optional<Path> SYNC = syncProgram();

    /**
     * {@code sync -f dir}: one {@code syncfs(2)} makes every file of the file system durable (a
     * release of thousands of files in one call instead of one journal commit per file). Only where
     * it reports write-back errors (Linux 5.8 and later; before, syncfs returned success
     * regardless) and only with the system's own {@code sync}; false when it cannot be used or
     * fails, and the caller forces each path instead.
     */
    static boolean syncFileSystem(Path dir) {
        if (SYNC.isEmpty()) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(SYNC.get().toString(), "-f", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean interrupted = false;
            while (true) {
                try {
                    int code = p.waitFor();
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    if (code != 0) {
                        LOG.debug("sync -f {} exited with {}; syncing file by file", dir, code);
                    }
                    return code == 0;
                } catch (InterruptedException e) {
                    interrupted = true; // the copy is not durable until the sync ends
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot run sync -f {}: {}; syncing file by file", dir, e.toString());
            return false;
        }
    }

    private static Optional<Path> syncProgram() {
        if (!"Linux".equals(System.getProperty("os.name")) || !kernelAtLeast(System.getProperty("os.version"), 5, 8)) {
            return Optional.empty();
        }
        for (String candidate : List.of("/usr/bin/sync", "/bin/sync")) {
            Path p = Path.of(candidate);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static boolean kernelAtLeast(String version, int major, int minor) {
        java.util.regex.Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version == null ? "" : version);
        if (!m.find()) {
            return false;
        }
        int maj = Integer.parseInt(m.group(1));
        int min = Integer.parseInt(m.group(2));
        return maj > major || (maj == major && min >= minor);
    }

    /** Most threads {@link #forceAll} syncs with: enough for the disk to commit many files at once. */
    private static final int SYNC_THREADS = 8;

    /**
     * Syncs every file and directory in {@code paths} ({@code force(true)} each) and returns once
     * all are durable. With many paths the syncs are issued from several threads, so that the file
     * system can write them out and commit them together instead of one journal commit per file.
     */
    public static void forceAll(List<Path> paths) throws IOException {
        int threads = Math.min(SYNC_THREADS, paths.size() / 16);
        if (threads <= 1) {
            for (Path p : paths) {
                force(p);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "backstep-fsync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int stripe = i;
                done.add(pool.submit(() -> {
                    for (int j = stripe; j < paths.size(); j += threads) {
                        force(paths.get(j));
                    }
                    return null;
                }));
            }
            IOException failure = null;
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                    if (failure == null) {
                        failure = io;
                    } else {
                        failure.addSuppressed(io);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while syncing copied files");
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void force(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
