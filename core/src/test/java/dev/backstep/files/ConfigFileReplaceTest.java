package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.testkit.StepHarness;
import dev.backstep.files.internal.FileOps;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileReplaceTest {
    private static final byte[] ORIGINAL = {'A', '=', '1', '\r', '\n', (byte) 0xff, (byte) 0xfe, 0, 'z', '\n'};

    @TempDir
    Path tmp;

    private Path app() throws IOException {
        return Files.createDirectories(tmp.resolve("app"));
    }

    /** {@code app/app.conf} holding {@link #ORIGINAL}. */
    private Path original() throws IOException {
        return Files.write(app().resolve("app.conf"), ORIGINAL);
    }

    private Path original(String mode) throws IOException {
        Path file = original();
        Fs.chmod(file, mode);
        return file;
    }

    /** A finished replace of {@code file} with {@code content}. */
    private StepHarness replaced(Path file, String content) throws Exception {
        return Fs.harness(ConfigFile.replace(file, content), tmp).execute();
    }

    /** {@code file} holds {@link #ORIGINAL} again, with this mode. */
    private static void assertOriginal(Path file, String mode) throws IOException {
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
        assertThat(Fs.mode(file)).isEqualTo(mode);
    }

    @Test
    void compensationRestoresExactBytesAndMode() throws Exception {
        Path file = original("0640");
        ReplaceStep step = ConfigFile.replace(file, "A=2\n").mode("0600");
        StepHarness h = Fs.harness(step, tmp);

        h.validate();
        h.execute();
        assertThat(Files.readString(file)).isEqualTo("A=2\n");
        assertThat(Fs.mode(file)).isEqualTo("0600");

        h.compensate();
        assertOriginal(file, "0640");
        assertThat(Fs.names(file.getParent())).containsExactly("app.conf");
    }

    @Test
    void replaceKeepsTheCurrentModeUnlessOneIsGiven() throws Exception {
        Path file = app().resolve("app.conf");
        Files.writeString(file, "old");
        Fs.chmod(file, "0640");
        ReplaceStep step = ConfigFile.replace(file, "new");
        Fs.harness(step, tmp).execute();
        assertThat(Fs.mode(file)).isEqualTo("0640");
        assertThat(Files.readString(file)).isEqualTo("new");
    }

    @Test
    void backupIsOwnerOnlyAndRecordedWithChecksumModeAndExistence() throws Exception {
        Path file = original("0644");
        StepHarness h = replaced(file, "x");

        Path backup = Path.of(h.recorded().get("backup"));
        assertThat(Files.readAllBytes(backup)).isEqualTo(ORIGINAL);
        assertThat(Fs.mode(backup)).isEqualTo("0600");
        assertThat(Fs.mode(backup.getParent())).isEqualTo("0700");
        assertThat(Fs.mode(Backup.read(backup).checksumFile())).isEqualTo("0600");
        assertThat(h.recorded()).containsEntry("sha256", FileOps.sha256(ORIGINAL))
                .containsEntry("mode", "0644").containsEntry("existed", "true")
                .containsEntry("path", file.toRealPath().toString());
        assertThat(Backup.read(backup).sha256()).isEqualTo(FileOps.sha256(ORIGINAL));
    }

    @Test
    void compensationRemovesAFileThatDidNotExist() throws Exception {
        Path file = app().resolve("new.conf");
        StepHarness h = replaced(file, "created");
        assertThat(Files.readString(file)).isEqualTo("created");
        assertThat(Fs.mode(file)).isEqualTo("0600");
        assertThat(h.recorded()).containsEntry("existed", "false").doesNotContainKey("backup");

        h.compensate();
        assertThat(file).doesNotExist();
        assertThat(Fs.names(file.getParent())).isEmpty();
    }

    @Test
    void compensationIsIdempotent() throws Exception {
        Path file = original("0640");
        StepHarness h = replaced(file, "new");

        h.compensate();
        h.compensate();
        assertOriginal(file, "0640");
    }

    @Test
    void compensationRefusesABackupWhoseChecksumChanged() throws Exception {
        Path file = original();
        StepHarness h = replaced(file, "new");
        Files.writeString(Path.of(h.recorded().get("backup")), "tampered");

        assertThatThrownBy(() -> h.compensate())
                .isInstanceOf(BackupIntegrityException.class)
                .hasMessageContaining("sha256").hasMessageContaining(h.recorded().get("backup"));
        assertThat(Files.readString(file)).isEqualTo("new");
    }

    @Test
    void compensationWithoutTheBackupFileFailsLoudly() throws Exception {
        Path file = original();
        StepHarness h = replaced(file, "new");
        Files.delete(Path.of(h.recorded().get("backup")));

        assertThatThrownBy(() -> h.compensate())
                .isInstanceOf(BackupIntegrityException.class).hasMessageContaining("missing");
    }

    @Test
    void ownerIsKeptByTheReplacementAndRestoredByTheCompensation() throws Exception {
        Path file = original();
        Files.setAttribute(file, "unix:uid", 4321);
        Files.setAttribute(file, "unix:gid", 4322);
        StepHarness h = replaced(file, "new");
        assertThat(Fs.uid(file)).isEqualTo(4321);
        assertThat(Fs.gid(file)).isEqualTo(4322);

        Files.setAttribute(file, "unix:uid", 0);
        h.compensate();
        assertThat(Fs.uid(file)).isEqualTo(4321);
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
    }

    @Test
    void replacingFromASourceFileCopiesItsBytesAndGivesANewFileTheSourceMode() throws Exception {
        Path source = Files.write(tmp.resolve("shop.conf.new"), ORIGINAL);
        Fs.chmod(source, "0644");
        Path file = app().resolve("shop.conf");
        ReplaceStep step = ConfigFile.replace(file, source);
        StepHarness.of(step).validate();
        Fs.harness(step, tmp).execute();
        assertOriginal(file, "0644");
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path real = Files.writeString(shared.resolve(".env"), "A=1\n");
        Path link = Files.createSymbolicLink(app().resolve(".env"), real);
        StepHarness h = replaced(link, "A=2\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("A=2\n");

        h.compensate();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("A=1\n");
    }

    @Test
    void aRetryKeepsTheBackupOfTheFirstAttempt() throws Exception {
        Path file = original();
        StepHarness h = replaced(file, "new");
        h.execute();

        h.compensate();
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
    }

    @Test
    void aFailureBetweenTempWriteAndRenameLeavesTheOldFileAndNoTempFile() throws Exception {
        Path file = original("0640");
        ReplaceStep step = ConfigFile.replace(file, "new content").withFaultHook(point -> {
            if (point.equals("before-rename")) {
                throw new IOException("injected failure " + point);
            }
        });
        StepHarness h = Fs.harness(step, tmp);

        assertThatThrownBy(() -> h.execute()).isInstanceOf(FileStepException.class)
                .hasMessageContaining(file.toRealPath().toString()).hasMessageContaining("unchanged")
                .hasRootCauseMessage("injected failure before-rename");
        assertOriginal(file, "0640");
        assertThat(Fs.names(file.getParent())).containsExactly("app.conf");

        h.compensate();
        assertOriginal(file, "0640");
    }

    @Test
    void aBackupDirectoryThatCannotBeCreatedFailsNamingItAndChangesNothing() throws Exception {
        Path file = original();
        Path notADir = Files.writeString(tmp.resolve("state"), "a file where the state directory should be");
        ReplaceStep step = ConfigFile.replace(file, "new");
        StepContext ctx = Fs.withBackupDir(StepHarness.of(step).context(StepContext.Phase.FORWARD),
                notADir.resolve("backups"));

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(FileStepException.class)
                .hasMessageContaining("cannot back up " + file.toRealPath())
                .satisfies(e -> assertThat(((FileStepException) e).path().toString()).startsWith(notADir.toString()));
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
        assertThat(ctx.recorded("existed")).isEmpty();
    }

    @Test
    void aParentThatIsARegularFileIsAValidationError() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain"), "x");
        ReplaceStep step = ConfigFile.replace(plain.resolve(".env"), "A=1");
        Fs.assertInvalid(step, plain + " is a file, not a directory");
    }

    @Test
    void aMissingDirectoryIsAValidationError() {
        ReplaceStep step = ConfigFile.replace(tmp.resolve("nope/.env"), "A=1");
        Fs.assertInvalid(step, "directory " + tmp.resolve("nope") + " does not exist");
    }

    @Test
    void aDirectoryWhereAFileIsExpectedIsAValidationError() throws Exception {
        Path dir = Files.createDirectories(app().resolve("conf.d"));
        ReplaceStep step = ConfigFile.replace(dir, "x");
        Fs.assertInvalid(step, dir + " is a directory, expected a regular file");
    }

    @Test
    void aSocketWhereAFileIsExpectedIsAValidationError() throws Exception {
        Path sock = app().resolve("app.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            ReplaceStep step = ConfigFile.replace(sock, "x");
            Fs.assertInvalid(step, sock + " is not a regular file");
        }
    }

    @Test
    void aMissingOrDirectorySourceIsAValidationError() throws Exception {
        Path file = app().resolve("app.conf");
        ReplaceStep missing = ConfigFile.replace(file, tmp.resolve("missing.conf"));
        Fs.assertInvalid(missing, "source " + tmp.resolve("missing.conf") + " does not exist");
        ReplaceStep dir = ConfigFile.replace(file, app());
        Fs.assertInvalid(dir, "is a directory, expected a regular file");
    }

    @Test
    void anInvalidModeIsRejectedWhenTheStepIsBuilt() {
        assertThatThrownBy(() -> ConfigFile.replace(tmp.resolve("a"), "x").mode("rw-r--r--"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("'rw-r--r--' is not an octal");
        assertThatThrownBy(() -> ConfigFile.replace(tmp.resolve("a"), "x").mode("0999"))
                .isInstanceOf(PlanDefinitionException.class);
    }

    @Test
    void aPathOutsideItsBaseIsRejectedBeforeAnythingChanges() throws Exception {
        Path base = app();
        assertThatThrownBy(() -> ConfigFile.replace(base.resolve("../etc/passwd"), "x").within(base))
                .isInstanceOf(PathEscapeException.class)
                .satisfies(e -> assertThat(((PathEscapeException) e).base()).isEqualTo(base));
    }

    @Test
    void aSymbolicLinkLeadingOutOfTheBaseIsRejectedByValidation() throws Exception {
        Path base = app();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.conf"), "keep");
        Files.createSymbolicLink(base.resolve("conf"), outside);
        ReplaceStep step = ConfigFile.replace(base.resolve("conf/secret.conf"), "x").within(base);
        StepHarness h = Fs.harness(step, tmp);

        assertThatThrownBy(() -> h.validate()).isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("outside the base directory " + base);
        assertThatThrownBy(() -> h.execute()).isInstanceOf(PathEscapeException.class);
        assertThat(Files.readString(secret)).isEqualTo("keep");
        assertThat(h.recorded()).isEmpty();
    }

    @Test
    void describeAndPreviewNeverShowTheContent() throws Exception {
        Path file = app().resolve("app.conf");
        Files.writeString(file, "password hunter2");
        ReplaceStep step = ConfigFile.replace(file, "password swordfish");
        assertThat(step.describe()).contains(file.toString()).doesNotContain("swordfish");
        assertThat(StepHarness.of(step).preview())
                .contains("16 bytes").contains("18 bytes").doesNotContain("hunter2").doesNotContain("swordfish");
        assertThat(step.type()).isEqualTo("files.replace");
        assertThat(ConfigFile.compensations()).containsEntry("files.replace", step.compensation());
    }

    @Test
    void theStepIsImmutable() {
        ReplaceStep base = ConfigFile.replace(tmp.resolve("a.conf"), "x".getBytes(StandardCharsets.UTF_8));
        ReplaceStep moded = base.mode("0644");
        assertThat(base.describe()).doesNotContain("0644");
        assertThat(moded.describe()).contains("mode 0644");
        assertThat(base.withName("other").name()).isEqualTo("other");
        assertThat(base.name()).isEqualTo("replace " + tmp.resolve("a.conf"));
    }
}
