package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Command} steps in plans run by the real engine, on real processes. */
class CommandPlanTest {
    @TempDir
    Path tmp;
    @TempDir
    Path state;

    private Runner runner() {
        return Backstep.runner().stateDir(state).build();
    }

    @Test
    void failingLaterStepRunsTheCompensationCommand() throws IOException {
        Plan plan = Plan.named("deploy")
                .step(Command.of("sh", "-c", "echo v2 > version").in(tmp)
                        .compensatedBy("sh", "-c", "echo v1 > version")
                        .withName("write version"))
                .step(Command.of("sh", "-c", "echo 'migration failed' >&2; exit 7").in(tmp).withName("migrate"))
                .build();
        Files.writeString(tmp.resolve("version"), "v1\n");

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failedStep()).contains("migrate");
        assertThat(r.compensated()).contains("write version");
        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("v1\n");
        Throwable cause = r.failure().orElseThrow();
        while (cause != null && !(cause instanceof CommandFailedException)) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(CommandFailedException.class);
        assertThat(((CommandFailedException) cause).exitCode()).isEqualTo(7);
        assertThat(((CommandFailedException) cause).stderrTail()).contains("migration failed");
    }

    @Test
    void failingCommandVerificationRollsBackWithTheSecretSuppliedInMemory() throws IOException {
        Plan plan = Plan.named("deploy")
                .step(Command.of("touch", "deployed").in(tmp)
                        .env("API_TOKEN", Secret.of("tok-123456"))
                        .compensatedBy("sh", "-c", "rm deployed; printf %s \"$API_TOKEN\" > undone-with-token")
                        .withName("deploy"))
                .verify(Command.of("test", "-f", "healthy").in(tmp).asVerification().withName("health"))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failedStep()).contains("health");
        assertThat(tmp.resolve("deployed")).doesNotExist();
        assertThat(Files.readString(tmp.resolve("undone-with-token"))).isEqualTo("tok-123456");
        assertThat(r.report().toText()).doesNotContain("tok-123456").contains("deploy");
        assertThat(r.report().toJson()).doesNotContain("tok-123456");
    }

    @Test
    void invalidCommandStopsThePlanBeforeAnythingRuns() {
        Plan plan = Plan.named("deploy")
                .step(Command.of("touch", "first-ran").in(tmp).withName("first"))
                .step(Command.of("backstep-no-such-tool").in(tmp).withName("second"))
                .build();

        assertThatThrownBy(() -> runner().run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("backstep-no-such-tool");
        assertThat(tmp.resolve("first-ran")).doesNotExist();
    }

    @Test
    void stepTimeoutOfTheEngineKillsTheRunningProcess() throws Exception {
        Path pidFile = tmp.resolve("pid");
        Plan plan = Plan.named("slow")
                .step(Command.of("sh", "-c", "echo $$ > pid.tmp; mv pid.tmp pid; exec sleep 30").in(tmp)
                        .withName("slow").withTimeout(Duration.ofSeconds(2)))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failedStep()).contains("slow");
        // the engine does not wait for the cancelled attempt's thread, which kills the process
        ProcessHandle sleeper = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElse(null);
        if (sleeper != null) {
            sleeper.onExit().get(20, TimeUnit.SECONDS);
            assertThat(sleeper.isAlive()).isFalse();
        }
    }
}
