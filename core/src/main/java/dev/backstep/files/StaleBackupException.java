package dev.backstep.files;

import dev.backstep.StepValidationException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A backup is older than the restore step allows ({@link FileRestoreStep#maxAge}); the restore is
 * refused before anything changes. Use {@link FileRestoreStep#allowStale()} to restore it anyway.
 *
 * <pre>{@code
 * ConfigFile.restore(env).from(backup).maxAge(Duration.ofHours(6)); // refuses older backups
 * ConfigFile.restore(env).from(backup).allowStale();               // restores any age
 * }</pre>
 */
public class StaleBackupException extends StepValidationException {
    private static final long serialVersionUID = 1L;
    private final transient Path backup;
    private final Duration age;
    private final Duration maxAge;

    public StaleBackupException(String stepName, Path backup, Duration age, Duration maxAge) {
        super(stepName, "backup " + backup + " is " + human(age) + " old, older than the allowed "
                + human(maxAge) + " (use allowStale() to restore it anyway)");
        this.backup = backup;
        this.age = age;
        this.maxAge = maxAge;
    }

    public Path backup() {
        return backup;
    }

    public Duration age() {
        return age;
    }

    public Duration maxAge() {
        return maxAge;
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s >= 86400) {
            return (s / 86400) + "d " + (s % 86400) / 3600 + "h";
        }
        if (s >= 3600) {
            return (s / 3600) + "h " + (s % 3600) / 60 + "m";
        }
        if (s >= 60) {
            return (s / 60) + "m " + s % 60 + "s";
        }
        return s + "s";
    }
}
