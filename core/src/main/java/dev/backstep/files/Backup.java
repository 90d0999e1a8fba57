package dev.backstep.files;

import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ProtectedWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;

/**
 * A backup file with the sha256 recorded when it was taken and the time it was taken. On disk a
 * backup {@code .env.20250314T101500.123Z.bak} has a sidecar {@code .env.20250314T101500.123Z.bak.sha256}
 * in {@code sha256sum} format (so {@code sha256sum -c} checks it too); the time it was taken is the
 * backup file's modification time. {@link ConfigFile#backup} writes backups in this layout and
 * {@link ConfigFile#restore} verifies them.
 *
 * <pre>{@code
 * Backup b = Backup.latest(Path.of("/var/backups/shop"), ".env").orElseThrow();
 * b.verify();                                   // BackupIntegrityException when damaged
 * if (b.age(Instant.now()).toHours() > 24) alert("backup is stale");
 * }</pre>
 *
 * @param file the backup file
 * @param sha256 lower-case hex sha256 of its bytes when it was taken
 * @param createdAt when it was taken
 */
public record Backup(Path file, String sha256, Instant createdAt) {

    public Backup {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
        file = file.toAbsolutePath().normalize();
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
        if (!FileOps.isSha256(sha256)) {
            throw new IllegalArgumentException("not a sha256 hex digest: '" + sha256 + "'");
        }
    }

    /**
     * Reads a backup and the checksum in its {@code .sha256} sidecar.
     *
     * @throws BackupIntegrityException when the file or its sidecar is missing or the sidecar is not
     *     a sha256 line
     */
    public static Backup read(Path backupFile) {
        Path file = backupFile.toAbsolutePath().normalize();
        Path sidecar = ProtectedWrite.checksumFile(file);
        if (!Files.isRegularFile(file)) {
            throw new BackupIntegrityException("", file, "backup " + file
                    + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        }
        if (!Files.isRegularFile(sidecar)) {
            throw new BackupIntegrityException("", file, "backup " + file + " has no checksum file " + sidecar
                    + ": its integrity cannot be verified");
        }
        try {
            String line = Files.readString(sidecar, StandardCharsets.UTF_8).strip();
            String sha = line.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (!FileOps.isSha256(sha)) {
                throw new BackupIntegrityException("", file, "checksum file " + sidecar + " does not start with a sha256");
            }
            return new Backup(file, sha, Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            throw new FileStepException("", sidecar, "cannot read checksum file " + sidecar, e);
        }
    }

    /**
     * The newest verified-format backup of a file named {@code fileName} in {@code dir} (backups
     * named {@code <fileName>.<time>.bak} with a sidecar), by the time they were taken.
     */
    public static Optional<Backup> latest(Path dir, String fileName) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Backup> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(fileName + ".") && n.endsWith(".bak") && n.length() > fileName.length() + 5
                        && Files.isRegularFile(p) && Files.isRegularFile(ProtectedWrite.checksumFile(p))) {
                    found.add(read(p));
                }
            }
        } catch (IOException e) {
            throw new FileStepException("", dir, "cannot list backups in " + dir, e);
        }
        return found.stream().max(Comparator.comparing(Backup::createdAt).thenComparing(b -> b.file().toString()));
    }

    /** The sidecar that holds the checksum. */
    public Path checksumFile() {
        return ProtectedWrite.checksumFile(file);
    }

    /** How old the backup is at {@code now}. */
    public Duration age(Instant now) {
        return Duration.between(createdAt, now);
    }

    /** Whether the file's bytes still have the recorded checksum. */
    public boolean isIntact() {
        try {
            return Files.isRegularFile(file) && FileOps.sha256(file).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @throws BackupIntegrityException when the file is missing or its checksum differs from the
     *     recorded one
     */
    public void verify() {
        if (!Files.isRegularFile(file)) {
            throw new BackupIntegrityException("", file, "backup " + file + " does not exist");
        }
        String actual;
        try {
            actual = FileOps.sha256(file);
        } catch (IOException e) {
            throw new FileStepException("", file, "cannot read backup " + file, e);
        }
        if (!actual.equals(sha256)) {
            throw new BackupIntegrityException("", file, "backup " + file + " has sha256 " + actual
                    + " but " + sha256 + " was recorded when it was taken");
        }
    }
}
