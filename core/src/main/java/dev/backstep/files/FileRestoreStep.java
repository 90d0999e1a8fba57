package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.EnvDocument;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ProtectedWrite;
import dev.backstep.files.internal.TargetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
public final class FileRestoreStep implements Step {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "files.restore";

    private final String name;
    private final Path path;
    private final Backup backup;
    private final Path backupFile;
    private final Path latestDir;
    private final Duration maxAge;
    private final boolean allowStale;
    private final String mode;
    private final Path base;
    private final FaultHook hook;

    private FileRestoreStep(String name, Path path, Backup backup, Path backupFile, Path latestDir, Duration maxAge,
                        boolean allowStale, String mode, Path base, FaultHook hook) {
        this.name = name;
        this.path = path;
        this.backup = backup;
        this.backupFile = backupFile;
        this.latestDir = latestDir;
        this.maxAge = maxAge;
        this.allowStale = allowStale;
        this.mode = mode;
        this.base = base;
        this.hook = hook;
    }

    static FileRestoreStep of(Path path) {
        Path p = TargetFiles.normalize(PlanDefinitionException.requireNonNull(path, null, "the path"));
        return new FileRestoreStep("restore " + p, p, null, null, null, ConfigFile.DEFAULT_MAX_BACKUP_AGE, false, null,
                null, FaultHook.NONE);
    }

    /** Restores this backup file; its checksum comes from the {@code .sha256} sidecar next to it. */
    public FileRestoreStep from(Path backupFile) {
        return new FileRestoreStep(name, path, null,
                TargetFiles.normalize(PlanDefinitionException.requireNonNull(backupFile, null, "the backup file")),
                null, maxAge, allowStale, mode, base, hook);
    }

    /** Restores this backup, checked against its recorded checksum and time. */
    public FileRestoreStep from(Backup b) {
        return new FileRestoreStep(name, path, PlanDefinitionException.requireNonNull(b, null, "the backup"), null, null,
                maxAge, allowStale, mode,
                base, hook);
    }

    /**
     * Restores the newest backup of this file ({@code <file name>.<time>.bak}, as
     * {@link ConfigFile#backup} writes them) found in {@code dir} when the step runs.
     */
    public FileRestoreStep fromLatestIn(Path dir) {
        return new FileRestoreStep(name, path, null, null,
                TargetFiles.normalize(PlanDefinitionException.requireNonNull(dir, null, "the directory")),
                maxAge, allowStale, mode, base, hook);
    }

    /**
     * Refuses backups older than {@code limit}.
     *
     * @throws PlanDefinitionException when the limit is not positive
     */
    public FileRestoreStep maxAge(Duration limit) {
        PlanDefinitionException.requireNonNull(limit, name, "maxAge");
        if (limit.isNegative() || limit.isZero()) {
            throw new PlanDefinitionException(null, name, "maxAge must be positive, was " + limit);
        }
        return new FileRestoreStep(name, path, backup, backupFile, latestDir, limit, false, mode, base, hook);
    }

    /** Restores the backup however old it is (its checksum is still verified). */
    public FileRestoreStep allowStale() {
        return new FileRestoreStep(name, path, backup, backupFile, latestDir, maxAge, true, mode, base, hook);
    }

    /** The mode of the restored file, octal; default: the current file's mode (0600 for a new file). */
    public FileRestoreStep mode(String octal) {
        return new FileRestoreStep(name, path, backup, backupFile, latestDir, maxAge, allowStale,
                ConfigFile.checkMode(name, octal), base, hook);
    }

    /** Refuses to write outside {@code baseDir} (see {@link ReplaceStep#within}). */
    public FileRestoreStep within(Path baseDir) {
        return new FileRestoreStep(name, path, backup, backupFile, latestDir, maxAge, allowStale, mode,
                ConfigFile.checkWithin(name, path, baseDir), hook);
    }

    @Override
    public FileRestoreStep withName(String newName) {
        return new FileRestoreStep(ConfigFile.checkName(newName), path, backup, backupFile, latestDir, maxAge, allowStale,
                mode, base, hook);
    }

    FileRestoreStep withFaultHook(FaultHook h) {
        return new FileRestoreStep(name, path, backup, backupFile, latestDir, maxAge, allowStale, mode, base, h);
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
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
                        new StepValidationException(name, "no backup of " + path.getFileName() + " in " + latestDir));
            }
        } catch (BackupIntegrityException e) {
            throw new StepValidationException(name, e.getMessage(), e);
        }
        throw new StepValidationException(name, "no backup given: call from(...) or fromLatestIn(...)");
    }

    /** Checks the backup's readability, checksum and age. */
    private Backup checkedBackup(StepContext ctx) {
        Backup b = resolveBackup();
        TargetFiles.checkReadableFile(name, b.file(), "backup");
        Duration age = b.age(ctx.clock().instant());
        if (!allowStale && age.compareTo(maxAge) > 0) {
            throw new StaleBackupException(name, b.file(), age, maxAge);
        }
        try {
            b.verify();
        } catch (BackupIntegrityException e) {
            throw new StepValidationException(name, e.getMessage(), e);
        }
        return b;
    }

    @Override
    public void validate(StepContext ctx) {
        TargetFiles.checkReplaceable(name, path, base, false);
        checkedBackup(ctx);
    }

    @Override
    public void execute(StepContext ctx) {
        Path target = TargetFiles.checkReplaceable(name, path, base, false);
        Backup b = checkedBackup(ctx);
        byte[] data = TargetFiles.read(name, b.file(), "backup");
        String actual = FileOps.sha256(data);
        if (!actual.equals(b.sha256())) {
            throw new BackupIntegrityException(name, b.file(), "backup " + b.file() + " changed while it was read: sha256 "
                    + actual + ", recorded " + b.sha256());
        }
        ProtectedWrite.Original original = ProtectedWrite.capture(ctx, target);
        ProtectedWrite.write(ctx, original, data, mode, FileOps.PRIVATE_FILE, hook);
    }

    /**
     * The file as it is now: existence, link target, size, sha256, mode, owner and stray temp files.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
        return List.of(FileFingerprints.file(path));
    }

    @Override
    public Compensation compensation() {
        return ProtectedWrite.RESTORE_ORIGINAL;
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
        Path target = TargetFiles.checkReplaceable(name, path, base, false);
        Backup b = checkedBackup(ctx);
        return "restore " + target + " from " + b.file() + " (taken " + b.createdAt() + ", sha256 "
                + b.sha256().substring(0, 12) + " verified)" + (Files.exists(target) ? "" : "; the file is missing now")
                + (EnvDocument.isKeyValueFile(target) ? ":\n" + diff(target, b) : "");
    }

    private String diff(Path target, Backup b) {
        EnvDocument.Syntax syntax = EnvDocument.syntaxFor(target);
        byte[] current = Files.exists(target) ? TargetFiles.read(name, target, "file") : new byte[0];
        return EnvDiff.of(EnvDocument.parse(current, syntax).values(),
                EnvDocument.parse(TargetFiles.read(name, b.file(), "backup"), syntax).values(),
                java.util.Set.of()).toText();
    }

    @Override
    public String toString() {
        return "FileRestoreStep[" + name + "]";
    }
}
