package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ProtectedWrite;
import dev.backstep.files.internal.TargetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Copies a file to an owner-only (0600) backup {@code <dir>/<name>.<UTC time>.bak} with a
 * {@code .sha256} sidecar, for a later {@link ConfigFile#restore} (possibly in another run). It
 * records {@code backup}, {@code sha256} and {@code createdAt}. Its compensation keeps the backup:
 * nothing a rollback could need is deleted. Built by {@link ConfigFile#backup}.
 *
 * <pre>{@code
 * Plan.named("update bot")
 *     .step(ConfigFile.backup(config).to(Path.of("/var/backups/bot")))
 *     .step(ConfigFile.replace(config, newConfig))
 *     .build();
 * // later, in a rollback plan:
 * ConfigFile.restore(config).fromLatestIn(Path.of("/var/backups/bot"));
 * }</pre>
 *
 * <p>Its {@link #fingerprint} describes the file it backs up, which it only reads; the backup it
 * writes is not described: it is kept on purpose, even by a rollback. Immutable.
 */
public final class BackupStep extends FileStep {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "files.backup";
    /** Recorded: the backup file. */
    public static final String BACKUP = "backup";
    /** Recorded: its sha256. */
    public static final String SHA256 = "sha256";
    /** Recorded: when it was taken (ISO-8601). */
    public static final String CREATED_AT = "createdAt";

    static final Compensation KEEP_BACKUP = new Compensation() {
        @Override
        public void compensate(StepContext ctx) {
            // the backup stays: it may be what a later restore needs
        }

        @Override
        public String toString() {
            return "keep the backup";
        }
    };

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    private BackupStep(String name, Path path, Path dir) {
        super(name, TYPE, path);
        this.dir = dir;
    }

    static BackupStep of(Path path) {
        Path p = TargetFiles.normalize(PlanDefinitionException.requireNonNull(path, null, "the path"));
        return new BackupStep("back up " + p, p, null);
    }

    /** Where backups go; created owner-only (0700) if missing. Default: the run's backup directory. */
    public BackupStep to(Path backupDir) {
        return new BackupStep(name(), path, TargetFiles.normalize(
                PlanDefinitionException.requireNonNull(backupDir, null, "the backup directory")));
    }

    @Override
    public BackupStep withName(String newName) {
        return new BackupStep(newName, path, dir);
    }

    @Override
    public void validate(StepContext ctx) {
        TargetFiles.checkReadableFile(name(), path, "file");
        if (dir != null) {
            Path existing = dir;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isDirectory(existing)) {
                throw new StepValidationException(name(), "cannot create backup directory " + dir + ": " + existing
                        + " is not a directory");
            }
            if (!Files.isWritable(existing)) {
                throw new StepValidationException(name(), "backup directory " + existing + " is not writable");
            }
        }
    }

    @Override
    public void execute(StepContext ctx) {
        validate(ctx);
        Path into = dir != null ? dir : ctx.backupDir();
        byte[] bytes = TargetFiles.read(name(), path, "file");
        String sha = FileOps.sha256(bytes);
        java.time.Instant now = ctx.clock().instant();
        try {
            if (!Files.isDirectory(into)) {
                FileOps.ensurePrivateDir(into);
            }
            String stem = path.getFileName() + "." + STAMP.format(now);
            Path backup = into.resolve(stem + ".bak");
            for (int i = 1; Files.exists(backup, LinkOption.NOFOLLOW_LINKS); i++) {
                backup = into.resolve(stem + "-" + i + ".bak");
            }
            FileOps.writePrivateFile(backup, bytes);
            Files.setLastModifiedTime(backup, FileTime.from(now));
            ProtectedWrite.writeChecksum(backup, sha);
            ctx.record(BACKUP, backup.toString());
            ctx.record(SHA256, sha);
            ctx.record(CREATED_AT, now.toString());
        } catch (IOException e) {
            throw new FileStepException(name(), into, "cannot back up " + path + " into " + into, e);
        }
    }

    @Override
    public Compensation compensation() {
        return KEEP_BACKUP;
    }

    @Override
    public String describe() {
        return "back up " + path + " to " + (dir != null ? dir : "the run's backup directory")
                + " (owner-only, with sha256); undo: keep the backup";
    }
}
