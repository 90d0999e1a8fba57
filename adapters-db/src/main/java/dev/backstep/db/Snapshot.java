package dev.backstep.db;

import dev.backstep.db.internal.Adoption;
import dev.backstep.db.internal.Snapshots;
import dev.backstep.files.BackupIntegrityException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;

/**
 * A database snapshot on disk: the dump file (0600, in a 0700 directory) and, next to it, a
 * manifest {@code <file>.manifest} with the engine, the database id, the sha256 and size of the
 * dump and when it was taken. Snapshots are never deleted by Backstep.
 *
 * <pre>{@code
 * Snapshot s = Snapshot.read(Path.of("/var/backups/shop/postgres-shop-20250601T120000000Z-1a2b3c.pgdump"));
 * s.verify();                                   // BackupIntegrityException when the bytes changed
 * Snapshot nightly = Snapshot.adopt(Path.of("/var/backups/shop/backup.sql.gz"), DbEngine.MARIADB);
 * Plan p = Plan.named("restore").step(Db.postgres(conn).restore(s).maxAge(Duration.ofHours(6))).build();
 * }</pre>
 *
 * @param file the dump file
 * @param engine the engine that wrote it
 * @param database the id of the database it was taken of (no password)
 * @param sha256 hex sha256 of the dump file when it was written
 * @param size bytes of the dump file
 * @param createdAt when the dump was taken
 */
public record Snapshot(Path file, DbEngine engine, String database, String sha256, long size, Instant createdAt) {

    public Snapshot {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Makes a dump the team already has ({@code backup.sql}, {@code backup.sql.gz},
     * {@code pg_dump -Fc} output) a verified snapshot: as {@link #adopt(Path, DbEngine, Path)} into
     * the directory {@code backstep-snapshots} next to {@code dump}.
     *
     * <pre>{@code
     * Snapshot nightly = Snapshot.adopt(Path.of("/var/backups/shop/backup.sql.gz"), DbEngine.MARIADB);
     * Plan.named("restore last night").step(shop.restore(nightly).allowStale()).build();
     * }</pre>
     */
    public static Snapshot adopt(Path dump, DbEngine engine) {
        Objects.requireNonNull(dump, "dump");
        Path parent = dump.toAbsolutePath().getParent();
        return adopt(dump, engine, parent.resolve("backstep-snapshots"));
    }

    /**
     * Makes an existing dump a verified snapshot in {@code snapshotsDir} (created 0700 when
     * missing): checks that it is a complete dump of {@code engine} (PostgreSQL: {@code pg_dump}'s
     * custom format, read with {@code pg_restore --list}, or a plain script ending with
     * {@code PostgreSQL database dump complete}; MariaDB/MySQL: a {@code mariadb-dump} /
     * {@code mysqldump} script ending with {@code -- Dump completed}, of one database, without
     * {@code USE}; SQLite: a database file), gzip-compressed or not, then copies it, decompressed,
     * into a new 0600 file with a manifest next to it. The original is only read, never through a
     * symbolic link, and never modified; the snapshot's time is the original's modification time,
     * so a restore's {@code maxAge} judges the age of the data.
     *
     * @throws DbException when {@code dump} is missing, empty, a symbolic link, not a complete dump
     *     of {@code engine} (or an H2 one), or the directory is open to others; nothing is written then
     */
    public static Snapshot adopt(Path dump, DbEngine engine, Path snapshotsDir) {
        Objects.requireNonNull(dump, "dump");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(snapshotsDir, "snapshotsDir");
        return Adoption.adopt(dump.toAbsolutePath(), engine, snapshotsDir.toAbsolutePath());
    }

    /** The manifest file that describes {@code dump}. */
    public static Path manifestOf(Path dump) {
        return dump.resolveSibling(dump.getFileName() + ".manifest");
    }

    /**
     * Reads the manifest next to {@code dump}.
     *
     * @throws BackupIntegrityException when the dump or its manifest is missing or unreadable
     */
    public static Snapshot read(Path dump) {
        Objects.requireNonNull(dump, "dump");
        Path m = manifestOf(dump);
        if (!Files.isRegularFile(dump)) {
            throw new BackupIntegrityException(null, dump, "snapshot " + dump + " does not exist");
        }
        if (!Files.isRegularFile(m)) {
            throw new BackupIntegrityException(null, dump, "snapshot " + dump + " has no manifest " + m.getFileName());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(m)) {
            p.load(r);
            return new Snapshot(dump, DbEngine.ofId(p.getProperty("engine")), p.getProperty("database"),
                    p.getProperty("sha256"), Long.parseLong(p.getProperty("size")),
                    Instant.parse(p.getProperty("createdAt")));
        } catch (IOException | RuntimeException e) {
            throw new BackupIntegrityException(null, dump, "manifest " + m + " of snapshot " + dump
                    + " is unreadable: " + e.getClass().getSimpleName() + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Checks that the dump still has the size and sha256 the manifest recorded.
     *
     * @throws BackupIntegrityException when it does not (the snapshot was changed or truncated)
     */
    public Snapshot verify() {
        Snapshots.verify(null, file, sha256);
        return this;
    }
}
