package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.testkit.StepHarness;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FileOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileRestoreTest {
    @TempDir
    Path tmp;

    private Path env(String content) throws Exception {
        Path f = Files.createDirectories(tmp.resolve("app")).resolve(".env");
        Files.writeString(f, content);
        return f;
    }

    private Backup backup(Path file, Path dir) throws Exception {
        BackupStep step = ConfigFile.backup(file).to(dir);
        StepHarness h = Fs.harness(step, tmp);
        h.validate();
        h.execute();
        return Backup.read(Path.of(h.recorded().get("backup")));
    }

    @Test
    void backupWritesAnOwnerOnlyCopyWithASha256sumSidecar() throws Exception {
        Path file = env("A=1\nDB_PASSWORD=x\n");
        Path dir = tmp.resolve("backups");
        BackupStep step = ConfigFile.backup(file).to(dir);
        StepHarness h = Fs.harness(step, tmp).execute();

        Path b = Path.of(h.recorded().get("backup"));
        assertThat(b.getParent()).isEqualTo(dir);
        assertThat(b.getFileName().toString()).matches("\\.env\\.\\d{8}T\\d{6}\\.\\d{3}Z\\.bak");
        assertThat(Files.readString(b)).isEqualTo("A=1\nDB_PASSWORD=x\n");
        assertThat(Fs.mode(b)).isEqualTo("0600");
        assertThat(Fs.mode(dir)).isEqualTo("0700");
        assertThat(Files.readString(Backup.read(b).checksumFile()))
                .isEqualTo(FileOps.sha256(Files.readAllBytes(file)) + "  " + b.getFileName() + "\n");
        assertThat(h.recorded()).containsEntry("sha256", FileOps.sha256(Files.readAllBytes(file)));
        assertThat(h.recorded()).containsKey("createdAt");

        h.compensate();
        assertThat(b).exists();
        assertThat(ConfigFile.compensations()).containsKey("files.backup");
    }

    @Test
    void restorePutsTheBackupBackAndItsCompensationPutsBackWhatItReplaced() throws Exception {
        Path file = env("A=1\n");
        Backup b = backup(file, tmp.resolve("backups"));
        Files.writeString(file, "A=broken\n");
        Fs.chmod(file, "0640");

        FileRestoreStep step = ConfigFile.restore(file).from(b.file());
        StepHarness h = Fs.harness(step, tmp);
        h.validate();
        assertThat(h.preview()).contains("- A=broken", "+ A=1", "verified");
        h.execute();
        assertThat(Files.readString(file)).isEqualTo("A=1\n");
        assertThat(Fs.mode(file)).isEqualTo("0640");

        h.compensate();
        assertThat(Files.readString(file)).isEqualTo("A=broken\n");
        assertThat(step.type()).isEqualTo("files.restore");
    }

    @Test
    void restoreRecreatesADeletedFileAndItsCompensationRemovesItAgain() throws Exception {
        Path file = env("A=1\n");
        Backup b = backup(file, tmp.resolve("backups"));
        Files.delete(file);
        FileRestoreStep step = ConfigFile.restore(file).from(b);
        StepHarness h = Fs.harness(step, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo("A=1\n");
        h.compensate();
        assertThat(file).doesNotExist();
    }

    @Test
    void aTamperedBackupIsRefusedBeforeAnythingChanges() throws Exception {
        Path file = env("A=1\n");
        Backup b = backup(file, tmp.resolve("backups"));
        Files.writeString(b.file(), "A=evil\n");
        Files.writeString(file, "A=current\n");
        FileRestoreStep step = ConfigFile.restore(file).from(b.file());
        StepHarness h = Fs.harness(step, tmp);

        assertThatThrownBy(() -> h.validate()).isInstanceOf(StepValidationException.class)
                .hasMessageContaining(b.file().toString()).hasMessageContaining("sha256");
        assertThatThrownBy(() -> h.execute()).isInstanceOf(StepValidationException.class);
        assertThat(Files.readString(file)).isEqualTo("A=current\n");
        assertThat(h.recorded()).isEmpty();
        assertThat(b.isIntact()).isFalse();
        assertThatThrownBy(b::verify).isInstanceOf(BackupIntegrityException.class);
    }

    @Test
    void aBackupWithoutChecksumIsRefused() throws Exception {
        Path file = env("A=1\n");
        Path handMade = Files.writeString(tmp.resolve(".env.backup.2025-01-01"), "A=0\n");
        FileRestoreStep step = ConfigFile.restore(file).from(handMade);
        Fs.assertInvalid(step, "has no checksum file " + handMade + ".sha256");
        Files.writeString(tmp.resolve(".env.backup.2025-01-01.sha256"), FileOps.sha256("A=0\n".getBytes()) + "  x\n");
        StepHarness.of(step).validate();
    }

    @Test
    void aStaleBackupIsRefusedUnlessAllowed() throws Exception {
        Path file = env("A=1\n");
        Backup b = backup(file, tmp.resolve("backups"));
        Files.setLastModifiedTime(b.file(), FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        Files.writeString(file, "A=2\n");

        FileRestoreStep step = ConfigFile.restore(file).from(b.file());
        StepHarness h = Fs.harness(step, tmp);
        assertThatThrownBy(() -> h.validate()).isInstanceOf(StaleBackupException.class)
                .hasMessageContaining("3d 0h old").hasMessageContaining("allowStale()")
                .satisfies(e -> assertThat(((StaleBackupException) e).maxAge()).isEqualTo(Duration.ofHours(24)));
        assertThatThrownBy(() -> h.execute()).isInstanceOf(StaleBackupException.class);
        assertThat(Files.readString(file)).isEqualTo("A=2\n");

        StepHarness.of(ConfigFile.restore(file).from(b.file()).maxAge(Duration.ofDays(4))).validate();
        FileRestoreStep stale = step.allowStale();
        Fs.harness(stale, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo("A=1\n");
    }

    @Test
    void freshnessUsesTheRunClock() throws Exception {
        Path file = env("A=1\n");
        Backup b = backup(file, tmp.resolve("backups"));
        FileRestoreStep step = ConfigFile.restore(file).from(b).maxAge(Duration.ofHours(1));
        StepHarness later = StepHarness.of(step)
                .clock(Clock.fixed(b.createdAt().plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertThatThrownBy(() -> later.validate()).isInstanceOf(StaleBackupException.class)
                .hasMessageContaining("2h 0m old");
        assertThatThrownBy(() -> step.maxAge(Duration.ZERO)).isInstanceOf(PlanDefinitionException.class)
                .hasMessage("step '" + step.name() + "': maxAge must be positive, was PT0S");
    }

    @Test
    void fromLatestInPicksTheNewestBackupOfThatFile() throws Exception {
        Path file = env("A=old\n");
        Path dir = tmp.resolve("backups");
        Backup older = backup(file, dir);
        Files.setLastModifiedTime(older.file(), FileTime.from(Instant.now().minusSeconds(600)));
        Files.writeString(file, "A=newer\n");
        backup(file, dir);
        Files.writeString(file, "A=broken\n");

        assertThat(Backup.latest(dir, ".env").orElseThrow().file()).isNotEqualTo(older.file());
        FileRestoreStep step = ConfigFile.restore(file).fromLatestIn(dir);
        Fs.harness(step, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo("A=newer\n");
    }

    @Test
    void aRestoreWithoutBackupOrWithAnEmptyBackupDirIsAValidationError() throws Exception {
        Path file = env("A=1\n");
        FileRestoreStep none = ConfigFile.restore(file);
        Fs.assertInvalid(none, "no backup given");
        FileRestoreStep empty = ConfigFile.restore(file).fromLatestIn(Files.createDirectories(tmp.resolve("empty")));
        Fs.assertInvalid(empty, "no backup of .env in");
    }

    @Test
    void backupOfAMissingFileOrIntoAFileIsAValidationError() throws Exception {
        BackupStep missing = ConfigFile.backup(tmp.resolve("nope.env"));
        Fs.assertInvalid(missing, "does not exist");
        Path file = env("A=1\n");
        Path plain = Files.writeString(tmp.resolve("plain"), "x");
        BackupStep into = ConfigFile.backup(file).to(plain.resolve("backups"));
        Fs.assertInvalid(into, plain + " is not a directory");
    }
}
