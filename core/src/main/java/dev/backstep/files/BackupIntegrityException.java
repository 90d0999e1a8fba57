package dev.backstep.files;

import dev.backstep.StepException;
import java.nio.file.Path;

/**
 * A backup does not match the checksum recorded when it was taken (or is missing), so it is not
 * restored: restoring it would silently put unknown bytes in place.
 *
 * <pre>{@code
 * try {
 *     Backup.read(Path.of("/var/backups/.env.20250101T120000.000Z.bak")).verify();
 * } catch (BackupIntegrityException e) {
 *     alert("backup " + e.backup() + " is damaged");
 * }
 * }</pre>
 */
public class BackupIntegrityException extends StepException {
    private static final long serialVersionUID = 1L;
    private final transient Path backup;

    public BackupIntegrityException(String stepName, Path backup, String problem) {
        super(stepName, (stepName == null || stepName.isEmpty() ? "" : "step '" + stepName + "': ") + problem);
        this.backup = backup;
    }

    /** The backup file that failed the check. */
    public Path backup() {
        return backup;
    }
}
