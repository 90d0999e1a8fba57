package dev.backstep.db;

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
