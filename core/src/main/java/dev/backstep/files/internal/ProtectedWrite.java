package dev.backstep.files.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.files.BackupIntegrityException;
import dev.backstep.files.FileStepException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The forward half shared by replace, edit and restore (back the target up into the run's backup
 * directory, record how to undo, write atomically) and the compensation that undoes it from the
 * recorded values alone.
 */
public final class ProtectedWrite {
    /** Recorded: the real path of the file written. */
    public static final String PATH = "path";
    /** Recorded: "true" when the file existed before the step, "false" when the step created it. */
    public static final String EXISTED = "existed";
    /** Recorded: the owner-only copy of the original file. */
    public static final String BACKUP = "backup";
    /** Recorded: sha256 of the original bytes. */
    public static final String SHA256 = "sha256";
    /** Recorded: the original mode, octal. */
    public static final String MODE = "mode";
    public static final String UID = "uid";
    public static final String GID = "gid";
    /** Recorded: the temp file of the atomic write, removed by the compensation if a crash left it. */
    public static final String TEMP = "temp";

    /** Restores the recorded original, or removes a file that did not exist. Stateless. */
    public static final Compensation RESTORE_ORIGINAL = new RestoreOriginal();

    private ProtectedWrite() {
    }

    /** What was there before the step wrote. */
    public record Original(Path path, boolean existed, String mode, Integer uid, Integer gid) {
    }

    /**
     * Backs up {@code target} (when it exists) into {@link StepContext#backupDir()} with a
     * {@code .sha256} sidecar, and records path, existence, backup, checksum, mode and owner,
     * in that order and before anything is written. A retry of the step keeps what the first
     * attempt recorded: the original is the file before the step, not before the retry.
     */
    public static Original capture(StepContext ctx, Path target) {
        String step = ctx.stepName();
        Optional<String> existed = ctx.recorded(EXISTED);
        if (existed.isPresent()) {
            boolean e = Boolean.parseBoolean(existed.get());
            return new Original(target, e, ctx.recorded(MODE).orElse(null),
                    ctx.recorded(UID).map(Integer::valueOf).orElse(null),
                    ctx.recorded(GID).map(Integer::valueOf).orElse(null));
        }
        ctx.record(PATH, target.toString());
        if (!Files.exists(target)) {
            ctx.record(EXISTED, "false");
            return new Original(target, false, null, null, null);
        }
        byte[] bytes = TargetFiles.read(step, target, "file");
        String sha = FileOps.sha256(bytes);
        String mode;
        int uid;
        int gid;
        try {
            mode = FileOps.modeOf(target);
            uid = FileOps.uidOf(target);
            gid = FileOps.gidOf(target);
        } catch (IOException e) {
            throw new FileStepException(step, target, "cannot read mode and owner of " + target, e);
        }
        Path dir = ctx.backupDir();
        Path backup = dir.resolve(target.getFileName() + ".backup");
        try {
            FileOps.ensurePrivateDir(dir);
            FileOps.writePrivateFile(backup, bytes);
            writeChecksum(backup, sha);
        } catch (IOException e) {
            throw new FileStepException(step, backup, "cannot back up " + target + " to " + backup, e);
        }
        // one journal sync; EXISTED last, as the mark of a complete capture
        Map<String, String> values = new LinkedHashMap<>();
        values.put(BACKUP, backup.toString());
        values.put(SHA256, sha);
        values.put(MODE, mode);
        values.put(UID, Integer.toString(uid));
        values.put(GID, Integer.toString(gid));
        values.put(EXISTED, "true");
        ctx.recordAll(values);
        return new Original(target, true, mode, uid, gid);
    }

    /** Writes {@code <backup>.sha256} in the format of {@code sha256sum}. */
    public static void writeChecksum(Path backup, String sha) throws IOException {
        FileOps.writePrivateFile(checksumFile(backup),
                (sha + "  " + backup.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static Path checksumFile(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".sha256");
    }

    /**
     * Writes {@code data} over the captured target atomically. The mode is {@code explicitMode}
     * when given, else the original file's, else {@code newFileMode}; the owner is the original's.
     */
    public static void write(StepContext ctx, Original original, byte[] data, String explicitMode,
                             String newFileMode, FaultHook hook) {
        Path target = original.path();
        String mode = explicitMode != null ? explicitMode : original.existed() ? original.mode() : newFileMode;
        Path temp = FileOps.tempSibling(target);
        ctx.record(TEMP, temp.toString());
        try {
            FileOps.atomicWrite(target, data, mode, original.existed() ? original.uid() : null,
                    original.existed() ? original.gid() : null, temp, hook);
        } catch (IOException e) {
            throw new FileStepException(ctx.stepName(), target, "cannot write " + target
                    + " atomically (it is unchanged)", e);
        }
    }

    private static final class RestoreOriginal implements Compensation {
        @Override
        public void compensate(StepContext ctx) throws IOException {
            Optional<String> recordedPath = ctx.recorded(PATH);
            if (recordedPath.isEmpty()) {
                return; // nothing was captured, so nothing was written
            }
            Path target = Path.of(recordedPath.get());
            Optional<String> temp = ctx.recorded(TEMP);
            if (temp.isPresent()) {
                Files.deleteIfExists(Path.of(temp.get()));
            }
            FileOps.deleteStaleTemps(target);
            Optional<String> existed = ctx.recorded(EXISTED);
            if (existed.isEmpty()) {
                return; // crashed while capturing: the target was not touched yet
            }
            if (!Boolean.parseBoolean(existed.get())) {
                if (Files.deleteIfExists(target)) {
                    FileOps.fsyncDir(target.getParent());
                }
                return;
            }
            String step = ctx.stepName();
            String sha = ctx.recorded(SHA256).orElseThrow(() -> missing(step, target, SHA256));
            Path backup = Path.of(ctx.recorded(BACKUP).orElseThrow(() -> missing(step, target, BACKUP)));
            String mode = ctx.recorded(MODE).orElseThrow(() -> missing(step, target, MODE));
            Integer uid = ctx.recorded(UID).map(Integer::valueOf).orElse(null);
            Integer gid = ctx.recorded(GID).map(Integer::valueOf).orElse(null);
            if (alreadyRestored(target, sha, mode, uid, gid)) {
                return;
            }
            if (!Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS)) {
                throw new BackupIntegrityException(step, backup, "cannot restore " + target + ": its backup "
                        + backup + " is missing");
            }
            byte[] bytes = Files.readAllBytes(backup);
            String actual = FileOps.sha256(bytes);
            if (!actual.equals(sha)) {
                throw new BackupIntegrityException(step, backup, "cannot restore " + target + ": backup " + backup
                        + " has sha256 " + actual + " but " + sha + " was recorded when it was taken");
            }
            FileOps.atomicWrite(target, bytes, mode, uid, gid, FileOps.tempSibling(target), FaultHook.NONE);
        }

        private static boolean alreadyRestored(Path target, String sha, String mode, Integer uid, Integer gid)
                throws IOException {
            if (Files.isSymbolicLink(target) || !Files.isRegularFile(target)) {
                return false;
            }
            return FileOps.modeOf(target).equals(mode)
                    && (uid == null || uid == FileOps.uidOf(target))
                    && (gid == null || gid == FileOps.gidOf(target))
                    && FileOps.sha256(target).equals(sha);
        }

        private static BackupIntegrityException missing(String step, Path target, String key) {
            return new BackupIntegrityException(step, null, "cannot restore " + target + ": the journal has no '"
                    + key + "' for it");
        }

        @Override
        public String toString() {
            return "restore the recorded backup (or remove the created file)";
        }
    }
}
