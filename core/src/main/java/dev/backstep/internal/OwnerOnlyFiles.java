package dev.backstep.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Creates owner-only files (0600) and directories (0700) with their mode set at creation time
 * (never widened first and narrowed later), and makes creations durable by fsyncing the parent
 * directory. On file systems without POSIX permissions the platform defaults apply.
 *
 * <pre>{@code
 * OwnerOnlyFiles.createDirectories(stateDir.resolve("runs"));
 * try (FileChannel ch = OwnerOnlyFiles.createNew(file, StandardOpenOption.WRITE)) { ... }
 * }</pre>
 */
public final class OwnerOnlyFiles {
    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<?>[] FILE = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];
    private static final FileAttribute<?>[] DIR = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
            : new FileAttribute<?>[0];

    private OwnerOnlyFiles() {
    }

    /**
     * Creates {@code dir} and any missing parents as 0700 directories, fsyncing the parent of each
     * one created. Existing directories are left as they are.
     *
     * @throws FileAlreadyExistsException when {@code dir} or a parent exists and is not a directory
     */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Deque<Path> missing = new ArrayDeque<>();
        Path p = absolute;
        while (p != null && !Files.exists(p)) {
            missing.push(p);
            p = p.getParent();
        }
        if (p != null && !Files.isDirectory(p)) {
            throw new FileAlreadyExistsException(p.toString(), null, "exists and is not a directory");
        }
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            try {
                Files.createDirectory(next, DIR);
                fsyncDirectory(next.getParent());
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(next)) {
                    throw new FileAlreadyExistsException(next.toString(), null, "exists and is not a directory");
                }
            }
        }
    }

    /** Creates a new 0600 file and opens it; fails if it exists. Does not fsync the directory. */
    public static FileChannel createNew(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>(Set.of(options));
        opts.add(StandardOpenOption.CREATE_NEW);
        opts.add(StandardOpenOption.WRITE);
        return FileChannel.open(file, opts, FILE);
    }

    /** Opens {@code file}, creating it as a 0600 file when missing. */
    public static FileChannel openOrCreate(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>(Set.of(options));
        opts.add(StandardOpenOption.CREATE);
        opts.add(StandardOpenOption.WRITE);
        opts.add(LinkOption.NOFOLLOW_LINKS);
        return FileChannel.open(file, opts, FILE);
    }

    /** Makes the entries of {@code dir} (creations, renames) durable. A no-op without POSIX. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (!POSIX || dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
