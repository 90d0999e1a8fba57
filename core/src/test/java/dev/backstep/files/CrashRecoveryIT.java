package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.testkit.StepHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real JVM in the middle of a step and compensates from nothing but the values it synced
 * to its journal, as {@code recover()} in another process will.
 */
class CrashRecoveryIT {
    private static final byte[] ORIGINAL = "A=1\n# original, with a comment\n".getBytes();

    @TempDir
    Path tmp;

    /** Where the child syncs what its step records. */
    private Path journal() {
        return tmp.resolve("journal.properties");
    }

    /** Runs a {@link CrashMain} scenario in a child JVM that halts at {@code haltAt}; its exit code. */
    private int runChild(String scenario, String haltAt, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashMain.class.getName(),
                scenario, tmp.resolve("state").toString(), journal().toString(), haltAt));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish");
        }
        return p.exitValue();
    }

    /** {@code app/app.conf} holding {@link #ORIGINAL}, with this mode. */
    private Path appConf(String mode) throws IOException {
        Path file = Files.write(Files.createDirectories(tmp.resolve("app")).resolve("app.conf"), ORIGINAL);
        Fs.chmod(file, mode);
        return file;
    }

    /** Runs {@code undo} knowing only what the child synced to the journal, in a context of {@code step}. */
    private void undoFromJournal(Compensation undo, Step step) throws Exception {
        undo.compensate(StepHarness.of(step).compensationContext(Fs.journal(journal())));
    }

    @Test
    void aProcessKilledBetweenTempWriteAndRenameLeavesTheOldFileAndIsCompensatedFromTheJournal() throws Exception {
        Path file = appConf("0640");
        Path dir = file.getParent();

        int exit = runChild("replace", "before-rename", file.toString(),
                "NEW=content-that-must-never-be-seen-half-written\n", "20000");

        assertThat(exit).as(Files.readString(tmp.resolve("child.log"))).isEqualTo(CrashMain.HALTED);
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
        assertThat(Fs.mode(file)).isEqualTo("0640");
        List<String> left = Fs.names(dir);
        assertThat(left).hasSize(2).contains("app.conf");

        assertThat(Fs.journal(journal())).containsKeys("path", "existed", "backup", "sha256", "mode", "temp");
        undoFromJournal(ConfigFile.compensations().get("files.replace"), ConfigFile.replace(file, ""));
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
        assertThat(Fs.mode(file)).isEqualTo("0640");
        assertThat(Fs.names(dir)).containsExactly("app.conf");
    }

    @Test
    void aFinishedReplaceIsUndoneFromTheJournalAlone() throws Exception {
        Path file = appConf("0644");

        int exit = runChild("replace", "never", file.toString(), "B=2\n", "3");

        assertThat(exit).isZero();
        assertThat(Files.readString(file)).isEqualTo("B=2\nB=2\nB=2\n");
        assertThat(Fs.mode(file)).isEqualTo("0600");
        undoFromJournal(ConfigFile.compensations().get("files.replace"), ConfigFile.replace(file, ""));
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
        assertThat(Fs.mode(file)).isEqualTo("0644");
    }

    @Test
    void aProcessKilledBeforeTheSwitchKeepsCurrentAndIsCompensatedFromTheJournal() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("shop"));
        Files.createDirectories(base.resolve("releases/1.0.0"));
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases/1.0.0"));
        Path build = Files.createDirectories(tmp.resolve("build"));
        Files.writeString(build.resolve("index.php"), "1.1.0");

        int exit = runChild("deploy", "before-switch", base.toString(), "1.1.0", build.toString());

        assertThat(exit).as(Files.readString(tmp.resolve("child.log"))).isEqualTo(CrashMain.HALTED);
        assertThat(Files.readSymbolicLink(base.resolve("current"))).isEqualTo(Path.of("releases/1.0.0"));
        assertThat(Fs.names(base)).hasSize(3).contains("current", "releases");

        undoFromJournal(Release.compensations().get("release.deploy"), Release.in(base).deploy("1.1.0", build));
        assertThat(Fs.names(base)).containsExactly("current", "releases");
        assertThat(Files.readSymbolicLink(base.resolve("current"))).isEqualTo(Path.of("releases/1.0.0"));
        assertThat(Release.in(base).list()).extracting(ReleaseInfo::version).containsExactly("1.0.0");
        assertThat(Release.in(base).pendingRollbackTargets()).isEmpty();
    }

    @Test
    void aProcessKilledWhileStagingACopyLeavesNoReleaseAndIsCleanedUpFromTheJournal() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("shop"));
        Path build = Files.createDirectories(tmp.resolve("build"));
        Files.writeString(build.resolve("index.php"), "1.0.0");

        int exit = runChild("deploy", "before-release-rename", base.toString(), "1.0.0", build.toString());

        assertThat(exit).isEqualTo(CrashMain.HALTED);
        assertThat(Files.exists(base.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Release.in(base).list()).isEmpty();
        assertThat(Fs.names(base.resolve("releases"))).anyMatch(n -> n.startsWith(".tmp-1.0.0-"));

        undoFromJournal(Release.compensations().get("release.deploy"), Release.in(base).deploy("1.0.0", build));
        assertThat(Fs.names(base.resolve("releases"))).isEmpty(); // no staging copy, no pending marker left
    }
}
