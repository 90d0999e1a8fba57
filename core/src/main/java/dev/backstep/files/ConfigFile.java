package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ProtectedWrite;
import dev.backstep.files.internal.TargetFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Steps that change configuration files and can be undone byte for byte.
 *
 * <p>Every writing step first copies the current file (bytes, mode, owner) into the run's
 * owner-only backup directory and records the backup's path and sha256, the mode, the owner and
 * whether the file existed, all before writing. It then writes atomically: a temp file in the same
 * directory gets mode, owner and content, is synced and renamed over the file, and the directory
 * is synced; a reader or a crash sees the old or the new file, never a partial one. The
 * compensation verifies the backup's checksum and writes it back the same way, with its mode and
 * owner, or removes a file that did not exist. A symbolic link is written through (the file it
 * names changes, the link stays).
 *
 * <pre>{@code
 * Path env = Path.of("/srv/shop/.env");
 * Plan plan = Plan.named("deploy shop 1.3.0")
 *     .step(ConfigFile.backup(env).to(Path.of("/var/backups/shop")))
 *     .step(ConfigFile.edit(env).set("APP_VERSION", "1.3.0").remove("LEGACY_MODE"))
 *     .step(ConfigFile.replace(Path.of("/etc/nginx/sites-enabled/shop"), nginxConf).mode("0644"))
 *     .build();
 * // rollback plan, runbook style: put yesterday's .env back if the backup is intact and fresh
 * Step restore = ConfigFile.restore(env).fromLatestIn(Path.of("/var/backups/shop")).maxAge(Duration.ofDays(2));
 * }</pre>
 *
 * <p>Durable recovery: {@link #compensations()} maps each step type to its stateless compensation.
 */
public final class ConfigFile {
    /** How old a backup {@link FileRestoreStep} accepts unless told otherwise. */
    public static final Duration DEFAULT_MAX_BACKUP_AGE = Duration.ofHours(24);

    private ConfigFile() {
    }

    /** Replaces the file's content with {@code content} encoded as UTF-8. */
    public static ReplaceStep replace(Path path, String content) {
        return ReplaceStep.of(path,
                PlanDefinitionException.requireNonNull(content, null, "the content").getBytes(StandardCharsets.UTF_8),
                null);
    }

    /** Replaces the file's content with these bytes. */
    public static ReplaceStep replace(Path path, byte[] content) {
        return ReplaceStep.of(path, PlanDefinitionException.requireNonNull(content, null, "the content").clone(), null);
    }

    /** Replaces the file's content with the content {@code source} has when the step runs. */
    public static ReplaceStep replace(Path path, Path source) {
        return ReplaceStep.of(path, null, PlanDefinitionException.requireNonNull(source, null, "the source"));
    }

    /** Edits keys of a {@code .env} or {@code .properties} file; see {@link EditStep}. */
    public static EditStep edit(Path path) {
        return EditStep.of(path);
    }

    /** Takes a verifiable backup of the file; see {@link BackupStep}. */
    public static BackupStep backup(Path path) {
        return BackupStep.of(path);
    }

    /** Restores the file from a verified, fresh backup; see {@link FileRestoreStep}. */
    public static FileRestoreStep restore(Path path) {
        return FileRestoreStep.of(path);
    }

    /**
     * The compensation of each step type of this class, keyed by {@link dev.backstep.Step#type()}.
     * They read only recorded values, so a journal can be compensated without the step objects.
     */
    public static Map<String, Compensation> compensations() {
        return Map.of(ReplaceStep.TYPE, ProtectedWrite.RESTORE_ORIGINAL,
                EditStep.TYPE, ProtectedWrite.RESTORE_ORIGINAL,
                FileRestoreStep.TYPE, ProtectedWrite.RESTORE_ORIGINAL,
                BackupStep.TYPE, BackupStep.KEEP_BACKUP);
    }

    static String checkMode(String step, String octal) {
        if (!FileOps.isOctalMode(octal)) {
            throw new PlanDefinitionException(null, step, "mode '" + octal + "' is not an octal file mode such as 0640");
        }
        return FileOps.formatMode(FileOps.parseMode(octal));
    }

    static Path checkWithin(String step, Path path, Path baseDir) {
        Path base = TargetFiles.normalize(PlanDefinitionException.requireNonNull(baseDir, null, "the base directory"));
        if (!path.startsWith(base)) {
            throw new PathEscapeException(step, path, base, path + " is outside the base directory " + base);
        }
        return base;
    }
}
