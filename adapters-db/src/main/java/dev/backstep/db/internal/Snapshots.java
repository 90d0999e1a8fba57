package dev.backstep.db.internal;

import dev.backstep.db.DbEngine;
import dev.backstep.db.DbException;
import dev.backstep.db.Snapshot;
import dev.backstep.files.BackupIntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Owner-only snapshot files, their checksums and manifests. */
public final class Snapshots {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    public static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private Snapshots() {
    }

    /** Problems with the backups directory, or null when it is fine (read-only check). */
    public static String checkDir(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            while (parent != null && !Files.exists(parent)) {
                parent = parent.getParent();
            }
            return parent != null && Files.isWritable(parent) ? null : "cannot create backups directory " + dir;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "backups directory " + dir + " is not a directory";
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            if (!OWNER_DIR.containsAll(perms)) {
                return "backups directory " + dir + " is open to others (" + PosixFilePermissions.toString(perms)
                        + "); make it rwx------ (chmod 700)";
            }
        } catch (IOException e) {
            return "cannot read the permissions of backups directory " + dir + ": " + e.getMessage();
        }
        return Files.isWritable(dir) ? null : "backups directory " + dir + " is not writable";
    }

    public static void ensureDir(String stepName, Path dir) {
        String problem = checkDir(dir);
        if (problem != null) {
            throw new DbException(stepName, problem);
        }
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, OWNER_DIR);
            }
        } catch (IOException e) {
            throw new DbException(stepName, "cannot create backups directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A new, empty, owner-only file for a snapshot of {@code t}. */
    public static Path newFile(String stepName, Path dir, Target t, Instant now) {
        String db = t.database() == null ? "db" : Path.of(t.database()).getFileName().toString();
        db = db.replaceAll("[^A-Za-z0-9_.-]", "_");
        String ext;
        switch (t.engine()) {
            case POSTGRES:
                ext = ".pgdump";
                break;
            case SQLITE:
                ext = ".sqlite";
                break;
            default:
                ext = ".sql";
        }
        return newFile(stepName, dir, t.engine().id() + "-" + db, ext, now);
    }

    /** A new, empty, owner-only file {@code <base>-<time>-<random><ext>} in {@code dir}. */
    public static Path newFile(String stepName, Path dir, String base, String ext, Instant now) {
        for (int i = 0; i < 10; i++) {
            String name = base + "-" + STAMP.format(now) + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff)) + ext;
            Path f = dir.resolve(name);
            try {
                return Files.createFile(f, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                throw new DbException(stepName, "cannot create snapshot file " + f + ": " + e.getMessage(), e);
            }
        }
        throw new DbException(stepName, "cannot find a free snapshot file name in " + dir);
    }

    /** Syncs the dump, computes its checksum and writes the manifest (0600, atomically). */
    public static Snapshot seal(String stepName, Path file, Target t, Instant createdAt) {
        return seal(stepName, file, t.engine(), t.id(), createdAt, Map.of());
    }

    /** As {@link #seal(String, Path, Target, Instant)}, with more manifest properties. */
    public static Snapshot seal(String stepName, Path file, DbEngine engine, String databaseId, Instant createdAt,
                                Map<String, String> extra) {
        try {
            Files.setPosixFilePermissions(file, OWNER_FILE);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            long size = Files.size(file);
            if (size == 0) {
                throw new DbException(stepName, "snapshot " + file + " of " + databaseId + " is empty");
            }
            Snapshot s = new Snapshot(file, engine, databaseId, sha256(file), size, createdAt);
            Path m = Snapshot.manifestOf(file);
            Path tmp = m.resolveSibling(m.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            Properties p = new Properties();
            extra.forEach(p::setProperty);
            p.setProperty("engine", engine.id());
            p.setProperty("database", databaseId);
            p.setProperty("sha256", s.sha256());
            p.setProperty("size", String.valueOf(size));
            p.setProperty("createdAt", createdAt.toString());
            try (Writer w = Files.newBufferedWriter(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(w, "backstep database snapshot");
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, m, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException ignored) {
                // some file systems cannot sync directories; the files themselves are synced
            }
            return s;
        } catch (IOException e) {
            throw new DbException(stepName, "cannot seal snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = Jdbc.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Throws when {@code file} is missing or its sha256 is not {@code expected}. */
    public static void verify(String stepName, Path file, String expected) {
        if (!Files.isRegularFile(file)) {
            throw new BackupIntegrityException(stepName, file, "snapshot " + file + " does not exist");
        }
        String actual;
        try {
            actual = sha256(file);
        } catch (IOException e) {
            throw new BackupIntegrityException(stepName, file, "cannot read snapshot " + file + ": " + e.getMessage());
        }
        if (!actual.equals(expected)) {
            throw new BackupIntegrityException(stepName, file, "snapshot " + file + " does not match its checksum"
                    + " (expected sha256 " + expected + ", found " + actual + "): it was changed after it was taken");
        }
    }
}
