package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CommandRunner#local()} on real processes. */
class ExecCommandRunnerTest {
    private static final String SECRET = "s3cr3t-Value!42";

    private final CommandRunner runner = CommandRunner.local();

    @TempDir
    Path tmp;

    @Test
    void successfulCommandReturnsExitCodeAndBothOutputs() {
        CommandResult r = runner.run(CommandSpec.of("sh", "-c", "echo out; echo err >&2"));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.argv()).containsExactly("sh", "-c", "echo out; echo err >&2");
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void nonZeroExitRaisesCommandFailedExceptionWithArgvCodeAndStderrTail() {
        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(CommandSpec.of("sh", "-c", "echo doing; echo 'migration 42 failed' >&2; exit 3")));

        assertThat(e).isNotNull().isExactlyInstanceOf(CommandFailedException.class);
        assertThat(e.exitCode()).isEqualTo(3);
        assertThat(e.argv()).containsExactly("sh", "-c", "echo doing; echo 'migration 42 failed' >&2; exit 3");
        assertThat(e.stderrTail()).isEqualTo("migration 42 failed\n");
        assertThat(e.getMessage()).contains("exited with code 3").contains("migration 42 failed");
    }

    @Test
    void stderrTailInTheExceptionIsBoundedAndKeepsTheEnd() {
        String script = "i=0; while [ $i -lt 1000 ]; do echo \"noise line $i\" >&2; i=$((i+1)); done;"
                + " echo 'the real cause' >&2; exit 1";
        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(CommandSpec.of("sh", "-c", script)));

        assertThat(e.stderrTail()).hasSizeLessThanOrEqualTo(Defaults.STDERR_TAIL_CHARS)
                .endsWith("the real cause\n")
                .doesNotContain("noise line 0\n");
    }

    @Test
    void successCodesReplaceTheDefaultZero() {
        CommandResult r = runner.run(CommandSpec.of("sh", "-c", "exit 3").successCodes(0, 3));
        assertThat(r.exitCode()).isEqualTo(3);

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(CommandSpec.of("true").successCodes(1)));
        assertThat(e.exitCode()).isZero();
    }

    @Test
    void timeoutKillsTheProcess() throws Exception {
        Path pidFile = tmp.resolve("pid");
        CommandSpec spec = CommandSpec.of("sh", "-c", "echo $$ > \"$1\"; exec sleep 30", "sh", pidFile.toString())
                .timeout(Duration.ofMillis(300));

        CommandTimeoutException e = catchThrowableOfType(CommandTimeoutException.class, () -> runner.run(spec));

        assertThat(e).isNotNull();
        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(e.exitCode()).isEqualTo(-1);
        assertThat(e.argv()).containsExactlyElementsOf(spec.argv());
        assertThat(e.getMessage()).contains("timed out");
        assertGone(readPid(pidFile));
    }

    @Test
    void timeoutKillsChildProcessesToo() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        CommandSpec spec = CommandSpec.of("sh", "-c", "sleep 30 & echo $! > \"$1\"; wait", "sh", pidFile.toString())
                .timeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> runner.run(spec)).isInstanceOf(CommandTimeoutException.class);

        assertGone(readPid(pidFile));
    }

    @Test
    void missingProgramRaisesProgramNotFoundNamingIt() {
        ProgramNotFoundException e = catchThrowableOfType(ProgramNotFoundException.class, () -> runner.run(CommandSpec.of("backstep-no-such-program", "x")));

        assertThat(e.program()).isEqualTo("backstep-no-such-program");
        assertThat(e.getMessage()).contains("backstep-no-such-program").contains("not found on PATH");
    }

    @Test
    void missingProgramPathRaisesProgramNotFound() {
        ProgramNotFoundException e = catchThrowableOfType(ProgramNotFoundException.class, () -> runner.run(CommandSpec.of("./bin/deploy").in(tmp)));

        assertThat(e.program()).isEqualTo("./bin/deploy");
        assertThat(e.getMessage()).contains("no such file").contains(tmp.resolve("bin/deploy").toString());
    }

    @Test
    void fileWithoutExecuteBitRaisesProgramNotFound() throws IOException {
        Path script = Files.writeString(tmp.resolve("deploy.sh"), "#!/bin/sh\ntouch ran\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));

        ProgramNotFoundException e = catchThrowableOfType(ProgramNotFoundException.class, () -> runner.run(CommandSpec.of("./deploy.sh").in(tmp)));

        assertThat(e.getMessage()).contains("./deploy.sh").contains("is not executable");
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void missingWorkingDirectoryRaisesProgramNotFoundNamingProgramAndDirectory() {
        Path missing = tmp.resolve("does-not-exist");

        ProgramNotFoundException e = catchThrowableOfType(ProgramNotFoundException.class, () -> runner.run(CommandSpec.of("ls").in(missing)));

        assertThat(e.program()).isEqualTo("ls");
        assertThat(e.getMessage()).contains("working directory " + missing + " does not exist");
    }

    @Test
    void programIsLookedUpInThePathTheSpecSets() throws IOException {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("backstep-test-tool"), "#!/bin/sh\necho tool ran with \"$1\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));

        CommandResult r = runner.run(CommandSpec.of("backstep-test-tool", "arg")
                .env("PATH", bin + ":" + System.getenv("PATH")));

        assertThat(r.stdout()).isEqualTo("tool ran with arg\n");
    }

    @Test
    void secretReachesTheChildButIsMaskedInOutputArgvAndErrors() throws IOException {
        Path seen = tmp.resolve("seen");
        CommandSpec spec = CommandSpec.of("sh", "-c",
                        "printf %s \"$TOKEN\" > \"$1\"; echo \"token=$TOKEN\"; echo \"bad $TOKEN\" >&2", "sh",
                        seen.toString())
                .env("TOKEN", Secret.of(SECRET));

        CommandResult r = runner.run(spec);

        assertThat(Files.readString(seen)).isEqualTo(SECRET);
        assertThat(r.stdout()).isEqualTo("token=" + Secret.MASK + "\n");
        assertThat(r.stderr()).isEqualTo("bad " + Secret.MASK + "\n");

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(CommandSpec.of("sh", "-c",
                        "echo \"auth failed for $TOKEN\" >&2; exit 1", "oops-" + SECRET)
                .env("TOKEN", Secret.of(SECRET))));

        assertThat(e.getMessage()).doesNotContain(SECRET).contains("auth failed for " + Secret.MASK);
        assertThat(e.stderrTail()).doesNotContain(SECRET);
        assertThat(e.argv()).containsExactly("sh", "-c", "echo \"auth failed for $TOKEN\" >&2; exit 1",
                "oops-" + Secret.MASK);
    }

    @Test
    void secretCutByTheOutputLimitIsMaskedNotHalfShown() {
        // 15 secret bytes then 14 x: the last 20 bytes start in the middle of the secret
        CommandResult r = runner.run(CommandSpec.of("sh", "-c", "printf %s \"$TOKEN\"; printf xxxxxxxxxxxxxx")
                .env("TOKEN", Secret.of(SECRET))
                .outputLimit(20));

        assertThat(r.truncated()).isTrue();
        assertThat(r.stdout()).isEqualTo(Secret.MASK + "xxxxxxxxxxxxxx").doesNotContain("42");
    }

    @Test
    void argumentsArePassedLiterallyWithoutAShell() throws IOException {
        Files.writeString(tmp.resolve("existing-file"), "x");
        List<String> args = List.of("a b", "$HOME", "$PATH", "${PATH}", ";touch pwned", "|", "*", "\"quoted\"", "it's",
                "line1\nline2", "  padded  ", "", "back\\slash", "`touch pwned2`", "$(touch pwned3)", "&&", ">out");
        List<String> argv = new ArrayList<>(List.of("printf", "%s|\\n"));
        argv.addAll(args);

        CommandResult r = runner.run(CommandSpec.of(argv).in(tmp));

        StringBuilder expected = new StringBuilder();
        args.forEach(a -> expected.append(a).append("|\n"));
        assertThat(r.stdout()).isEqualTo(expected.toString());
        assertThat(r.stdout()).doesNotContain(System.getenv("PATH")).doesNotContain("existing-file");
        assertThat(tmp.resolve("pwned")).doesNotExist();
        assertThat(tmp.resolve("pwned2")).doesNotExist();
        assertThat(tmp.resolve("pwned3")).doesNotExist();
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void outputLimitKeepsTheTailAndSetsTruncated() {
        String script = "i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done";

        CommandResult r = runner.run(CommandSpec.of("sh", "-c", script).outputLimit(100));

        assertThat(r.truncated()).isTrue();
        assertThat(r.stdout()).hasSizeLessThanOrEqualTo(100).endsWith("line 1998\nline 1999\n")
                .doesNotContain("line 0\n");
    }

    @Test
    void outputWithinTheLimitIsNotTruncated() {
        CommandResult r = runner.run(CommandSpec.of("printf", "12345").outputLimit(5));

        assertThat(r.stdout()).isEqualTo("12345");
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void truncationDoesNotSplitAMultiByteCharacter() {
        // "é" is two bytes; a 3-byte limit on "éé" cuts the first one in half
        CommandResult r = runner.run(CommandSpec.of("printf", "\\303\\251\\303\\251").outputLimit(3));

        assertThat(r.stdout()).isEqualTo("é");
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void environmentVariablesReachTheChildOnTopOfTheInheritedOnes() {
        CommandResult r = runner.run(CommandSpec.of("sh", "-c", "printf '%s|%s' \"$GREETING\" \"$PATH\"")
                .env("GREETING", "hello world; $USER"));

        assertThat(r.stdout()).isEqualTo("hello world; $USER|" + System.getenv("PATH"));
    }

    @Test
    void standardInputIsClosedSoCommandsNeverWaitForInput() {
        CommandResult r = runner.run(CommandSpec.of("cat").timeout(Duration.ofSeconds(20)));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void interruptingTheCallerKillsTheProcessAndKeepsTheInterruptFlag() throws Exception {
        Path pidFile = tmp.resolve("pid");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                runner.run(CommandSpec.of("sh", "-c", "echo $$ > \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; exec sleep 30",
                        "sh", pidFile.toString()));
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        while (!Files.exists(pidFile)) {
            Thread.sleep(10);
        }
        long pid = readPid(pidFile);

        caller.interrupt();
        caller.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(caller.isAlive()).as("the interrupted caller still runs").isFalse();

        assertThat(thrown.get()).isInstanceOf(CommandInterruptedException.class);
        assertThat(((CommandInterruptedException) thrown.get()).argv()).contains("sh");
        assertThat(flagAfter.get()).isTrue();
        assertGone(pid);
    }

    @Test
    void interruptedCallerStartsNothing() {
        Path marker = tmp.resolve("marker");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> runner.run(CommandSpec.of("touch", marker.toString())))
                    .isInstanceOf(CommandInterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void backgroundProcessHoldingTheOutputOpenDoesNotBlockTheCommand() throws Exception {
        Path pidFile = tmp.resolve("bg.pid");
        try {
            CommandResult r = runner.run(CommandSpec.of("sh", "-c", "sleep 30 & echo $! > \"$1\"; echo started",
                    "sh", pidFile.toString()).timeout(Duration.ofSeconds(25)));

            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).isEqualTo("started\n");
        } finally {
            ProcessHandle.of(readPid(pidFile)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void argumentWithNulCharacterIsRejectedBeforeStarting() {
        assertThatThrownBy(() -> runner.run(CommandSpec.of("echo", "a\0b")))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("NUL");
    }

    private static long readPid(Path pidFile) throws IOException {
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /** The process no longer runs: no /proc entry, or only a zombie waiting to be reaped. */
    static void assertGone(long pid) throws IOException {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        if (Files.exists(stat)) {
            String s;
            try {
                s = Files.readString(stat);
            } catch (IOException e) {
                return; // vanished while reading
            }
            String state = s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
            assertThat(state).as("state of process %d", pid).isIn("Z", "X");
        } else {
            assertThat(stat).doesNotExist();
        }
    }
}
