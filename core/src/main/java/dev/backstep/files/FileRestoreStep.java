package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.EnvDocument;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.TargetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Puts a verified backup back in place of a file. Before anything changes, the backup's sha256 is
 * checked against the one recorded when it was taken and its age against {@link #maxAge}
 * (default {@link ConfigFile#DEFAULT_MAX_BACKUP_AGE}). The restore itself is undoable: what it
 * overwrites is backed up first, exactly as {@link ReplaceStep} does. Built by
 * {@link ConfigFile#restore}.
 *
 * <pre>{@code
 * Step s = ConfigFile.restore(Path.of("/srv/shop/.env"))
 *     .fromLatestIn(Path.of("/var/backups/shop"))   // or .from(backupFile) / .from(backup)
 *     .maxAge(Duration.ofHours(6));                // older backups are refused; .allowStale() accepts them
 * }</pre>
 *
 * <p>Immutable.
 */
public final class FileRestoreStep extends ProtectedFileStep<FileRestoreStep> {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "files.restore";

    private final Backup backup;
    private final Path backupFile;
    private final Path latestDir;
    private final Duration maxAge;
    private final boolean allowStale;

    private FileRestoreStep(String name, Path path, Backup backup, Path backupFile, Path latestDir, Duration maxAge,
                        boolean allowStale, String mode, Path base, FaultHook hook) {
        super(name, TYPE, path, mode, base, hook);
        this.backup = backup;
        this.backupFile = backupFile;
        this.latestDir = latestDir;
        this.maxAge = maxAge;
        this.allowStale = allowStale;
    }

    static FileRestoreStep of(Path path) {
        Path p = TargetFiles.normalize(PlanDefinitionException.requireNonNull(path, null, "the path"));
        return new FileRestoreStep("restore " + p, p, null, null, null, ConfigFile.DEFAULT_MAX_BACKUP_AGE, false, null,
                null, FaultHook.NONE);
    }

    /** Restores this backup file; its checksum comes from the {@code .sha256} sidecar next to it. */
    public FileRestoreStep from(Path backupFile) {
        return new FileRestoreStep(name(), path, null,
                TargetFiles.normalize(PlanDefinitionException.requireNonNull(backupFile, null, "the backup file")),
                null, maxAge, allowStale, mode, base, hook);
    }

    /** Restores this backup, checked against its recorded checksum and time. */
    public FileRestoreStep from(Backup b) {
        return new FileRestoreStep(name(), path, PlanDefinitionException.requireNonNull(b, null, "the backup"), null,
                null, maxAge, allowStale, mode, base, hook);
    }

    /**
     * Restores the newest backup of this file ({@code <file name>.<time>.bak}, as
     * {@link ConfigFile#backup} writes them) found in {@code dir} when the step runs.
     */
    public FileRestoreStep fromLatestIn(Path dir) {
        return new FileRestoreStep(name(), path, null, null,
                TargetFiles.normalize(PlanDefinitionException.requireNonNull(dir, null, "the directory")),
                maxAge, allowStale, mode, base, hook);
    }

    /**
     * Refuses backups older than {@code limit}.
     *
     * @throws PlanDefinitionException when the limit is not positive
     */
    public FileRestoreStep maxAge(Duration limit) {
        PlanDefinitionException.requireNonNull(limit, name(), "maxAge");
        if (limit.isNegative() || limit.isZero()) {
            throw new PlanDefinitionException(null, name(), "maxAge must be positive, was " + limit);
        }
        return new FileRestoreStep(name(), path, backup, backupFile, latestDir, limit, false, mode, base, hook);
    }

    /** Restores the backup however old it is (its checksum is still verified). */
    public FileRestoreStep allowStale() {
        return new FileRestoreStep(name(), path, backup, backupFile, latestDir, maxAge, true, mode, base, hook);
    }

    @Override
    FileRestoreStep copy(String name, String mode, Path base, FaultHook hook) {
        return new FileRestoreStep(name, path, backup, backupFile, latestDir, maxAge, allowStale, mode, base, hook);
    }

    private Backup resolveBackup() {
        try {
            if (backup != null) {
                return backup;
            }
            if (backupFile != null) {
                return Backup.read(backupFile);
            }
            if (latestDir != null) {
                return Backup.latest(latestDir, path.getFileName().toString()).orElseThrow(() ->
                        new StepValidationException(name(), "no backup of " + path.getFileName() + " in " + latestDir));
            }
        } catch (BackupIntegrityException e) {
            throw new StepValidationException(name(), e.getMessage(), e);
        }
        throw new StepValidationException(name(), "no backup given: call from(...) or fromLatestIn(...)");
    }

    /** Checks the backup's readability, checksum and age. */
    private Backup checkedBackup(StepContext ctx) {
        Backup b = resolveBackup();
        TargetFiles.checkReadableFile(name(), b.file(), "backup");
        Duration age = b.age(ctx.clock().instant());
        if (!allowStale && age.compareTo(maxAge) > 0) {
            throw new StaleBackupException(name(), b.file(), age, maxAge);
        }
        try {
            b.verify();
        } catch (BackupIntegrityException e) {
            throw new StepValidationException(name(), e.getMessage(), e);
        }
        return b;
    }

    @Override
    public void validate(StepContext ctx) {
        target(false);
        checkedBackup(ctx);
    }

    @Override
    public void execute(StepContext ctx) {
        Path target = target(false);
        Backup b = checkedBackup(ctx);
        byte[] data = TargetFiles.read(name(), b.file(), "backup");
        String actual = FileOps.sha256(data);
        if (!actual.equals(b.sha256())) {
            throw new BackupIntegrityException(name(), b.file(), "backup " + b.file()
                    + " changed while it was read: sha256 " + actual + ", recorded " + b.sha256());
        }
        write(ctx, target, data, FileOps.PRIVATE_FILE);
    }

    @Override
    public String describe() {
        String from = backup != null ? backup.file().toString() : backupFile != null ? backupFile.toString()
                : latestDir != null ? "the latest backup in " + latestDir : "(no backup given)";
        return "restore " + path + " from " + from + " (sha256 verified, "
                + (allowStale ? "any age" : "at most " + StaleBackupException.human(maxAge) + " old")
                + "); undo: put back what it replaced";
    }

    @Override
    public String preview(StepContext ctx) {
        Path target = target(false);
        Backup b = checkedBackup(ctx);
        return "restore " + target + " from " + b.file() + " (taken " + b.createdAt() + ", sha256 "
                + b.sha256().substring(0, 12) + " verified)" + (Files.exists(target) ? "" : "; the file is missing now")
                + (EnvDocument.isKeyValueFile(target) ? ":\n" + envDiff(target, current(target),
                        TargetFiles.read(name(), b.file(), "backup"), Set.of(), Set.of()).toText() : "");
    }
}
