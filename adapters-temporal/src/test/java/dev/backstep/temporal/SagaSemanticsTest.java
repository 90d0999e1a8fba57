package dev.backstep.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.CompensationFailedException;
import dev.backstep.Plan;
import dev.backstep.RetryPolicy;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.StepFailedException;
import dev.backstep.StepStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Backstep's saga semantics hold on Temporal: the steps change real files on the host's directory. */
@Timeout(120)
class SagaSemanticsTest {
    @TempDir
    static Path root;
    static FleetFixture fleet;

    /** A step that creates a file (named after the step) and whose compensation logs and removes it. */
    static Step file(Path fs, String name) {
        return Step.named(name)
                .action(ctx -> {
                    ctx.record("file", name);
                    Files.writeString(fs.resolve(name), "x");
                })
                .compensation(ctx -> {
                    log(fs, "undo " + ctx.recorded("file").orElseThrow());
                    Files.delete(fs.resolve(ctx.recorded("file").orElseThrow()));
                })
                .build();
    }

    static Step failing(String name) {
        return Step.named(name).action(ctx -> {
            throw new IOException("disk full while " + name);
        }).compensation(ctx -> { }).build();
    }

    static Step brokenUndo(Path fs, String name) {
        return Step.named(name)
                .action(ctx -> Files.writeString(fs.resolve(name), "x"))
                .compensation(ctx -> {
                    throw new IOException("cannot undo " + name);
                })
                .build();
    }

    static void log(Path fs, String line) throws IOException {
        Files.writeString(fs.resolve("undo.log"), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static PlanCatalog catalog(Path fs) {
        return PlanCatalog.builder()
                .plan("reverse", (h, p) -> Plan.named("reverse").target(h)
                        .step(file(fs, "a"))
                        .step(file(fs, "b"))
                        .parallel(file(fs, "c1"), file(fs, "c2"))
                        .verify(Step.verification("smoke", ctx -> {
                            throw new IllegalStateException("smoke test answered 503");
                        }))
                        .build())
                .plan("broken-undo", (h, p) -> Plan.named("broken-undo").target(h)
                        .step(file(fs, "a"))
                        .step(brokenUndo(fs, "b"))
                        .step(brokenUndo(fs, "c"))
                        .step(failing("d"))
                        .build())
                .plan("pivot", (h, p) -> Plan.named("pivot").target(h)
                        .step(file(fs, "a"))
                        .step(file(fs, "p").asPivot())
                        .step(file(fs, "b"))
                        .step(failing("d"))
                        .build())
                .plan("retry", (h, p) -> Plan.named("retry").target(h)
                        .step(Step.named("flaky")
                                .action(ctx -> {
                                    ctx.record("first-attempt", Integer.toString(ctx.attempt()));
                                    if (ctx.attempt() < 3) {
                                        throw new IOException("attempt " + ctx.attempt() + " failed");
                                    }
                                    Files.writeString(fs.resolve("flaky"), "ok");
                                })
                                .compensation(ctx -> Files.deleteIfExists(fs.resolve("flaky")))
                                .retry(RetryPolicy.custom().maxAttempts(3).delay(Duration.ofMillis(100)).build())
                                .build())
                        .build())
                .plan("secret", (h, p) -> Plan.named("secret").target(h)
                        .step(new TokenStep(fs))
                        .step(Step.named("login")
                                .action(ctx -> {
                                    ctx.summary("logged in with hunter2-token");
                                    throw new IOException("server rejected token hunter2-token");
                                })
                                .compensation(ctx -> { })
                                .build())
                        .build())
                .plan("timeout", (h, p) -> Plan.named("timeout").target(h)
                        .step(file(fs, "a"))
                        .step(Step.named("hang")
                                .action(ctx -> {
                                    ctx.record("file", "hang");
                                    Files.writeString(fs.resolve("hang"), "partial");
                                    Thread.sleep(60_000);
                                })
                                .compensation(ctx -> {
                                    log(fs, "undo hang");
                                    Files.deleteIfExists(fs.resolve("hang"));
                                })
                                .timeout(Duration.ofSeconds(1))
                                .build())
                        .build())
                .build();
    }

    /** A step holding a secret: the run masks it in what every step reports. */
    record TokenStep(Path fs) implements Step {
        @Override
        public String name() {
            return "write token";
        }

        @Override
        public void execute(dev.backstep.StepContext ctx) throws Exception {
            ctx.record("file", "token");
            Files.writeString(fs.resolve("token"), "hunter2-token");
        }

        @Override
        public dev.backstep.Compensation compensation() {
            return ctx -> Files.deleteIfExists(fs.resolve(ctx.recorded("file").orElseThrow()));
        }

        @Override
        public String describe() {
            return "write the API token";
        }

        @Override
        public java.util.Set<dev.backstep.Secret> secrets() {
            return java.util.Set.of(dev.backstep.Secret.of("hunter2-token"));
        }
    }

    @BeforeAll
    static void start() throws IOException {
        fleet = FleetFixture.start(root, List.of("h1", "h2", "h3", "h4", "h5", "h6"), SagaSemanticsTest::catalog);
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    private RunResult run(String plan, String host) {
        return fleet.workflows.run(RunId.of(plan + "-" + host), PlanRef.of(plan, host), Duration.ofSeconds(90));
    }

    private List<String> undoLog(String host) throws IOException {
        Path f = fleet.dir(host).resolve("undo.log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void aFailedVerificationCompensatesInReverseOrderWithTheParallelGroupTogether() throws IOException {
        RunResult r = run("reverse", "h1");

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failedStep()).contains("smoke");
        assertThat(r.step("smoke").status()).isEqualTo(StepStatus.FAILED);
        List<String> undo = undoLog("h1");
        assertThat(undo.subList(0, 2)).containsExactlyInAnyOrder("undo c1", "undo c2");
        assertThat(undo.subList(2, 4)).containsExactly("undo b", "undo a");
        assertThat(r.compensated()).hasSize(4).endsWith("b", "a");
        for (String f : List.of("a", "b", "c1", "c2")) {
            assertThat(fleet.dir("h1").resolve(f)).doesNotExist();
            assertThat(r.step(f).status()).isEqualTo(StepStatus.COMPENSATED);
        }
        assertThat(r.stillApplied()).isEmpty();
    }

    @Test
    void failedCompensationsEndRollbackFailedAndKeepEveryFailure() throws IOException {
        RunResult r = run("broken-undo", "h2");

        assertThat(r.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        Throwable f = r.failure().orElseThrow();
        assertThat(f.getCause()).isInstanceOf(StepFailedException.class).hasMessageContaining("disk full while d");
        assertThat(f.getSuppressed()).hasSize(2).allMatch(CompensationFailedException.class::isInstance);
        assertThat(f.getSuppressed()[0]).hasMessageContaining("cannot undo c");
        assertThat(f.getSuppressed()[1]).hasMessageContaining("cannot undo b");
        assertThat(r.step("a").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(r.stillApplied()).containsExactly("b", "c");
        assertThat(fleet.dir("h2").resolve("a")).doesNotExist();
        assertThat(fleet.dir("h2").resolve("b")).exists();
    }

    @Test
    void stepsAtOrBeforeAPivotAreKept() throws IOException {
        RunResult r = run("pivot", "h3");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED_AFTER_PIVOT);
        assertThat(r.step("b").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(r.step("p").status()).isEqualTo(StepStatus.NOT_COMPENSATED);
        assertThat(r.step("a").status()).isEqualTo(StepStatus.NOT_COMPENSATED);
        assertThat(r.step("a").note()).hasValueSatisfying(n -> assertThat(n).contains("pivot 'p'"));
        assertThat(undoLog("h3")).containsExactly("undo b");
        assertThat(fleet.dir("h3").resolve("a")).exists();
        assertThat(fleet.dir("h3").resolve("p")).exists();
    }

    @Test
    void theStepsRetryPolicyRetriesTheActionAndKeepsTheFirstAttemptsValues() throws IOException {
        RunResult r = run("retry", "h4");

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.step("flaky").attempts()).isEqualTo(3);
        assertThat(r.step("flaky").recorded()).containsEntry("first-attempt", "1");
        assertThat(Files.readString(fleet.dir("h4").resolve("flaky"))).isEqualTo("ok");
    }

    @Test
    void anActionCutOffAtItsTimeoutIsCompensatedLikeAPartlyAppliedStep() throws IOException {
        RunResult r = run("timeout", "h5");

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.step("hang").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(r.step("hang").error()).hasValueSatisfying(e -> assertThat(e).hasMessageContaining("timed out"));
        assertThat(undoLog("h5")).containsExactly("undo hang", "undo a");
        assertThat(fleet.dir("h5").resolve("hang")).doesNotExist();
    }

    @Test
    void aSecretOfAnyStepIsMaskedInFailuresAndInTemporalsHistory() throws IOException {
        RunResult r = run("secret", "h6");

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failure().orElseThrow().getCause()).hasMessageContaining("server rejected token ****")
                .hasMessageNotContaining("hunter2");
        assertThat(r.report().toText()).doesNotContain("hunter2");
        assertThat(fleet.client().fetchHistory("secret-h6").toJson(false)).doesNotContain("hunter2")
                .contains("****");
        assertThat(fleet.dir("h6").resolve("token")).doesNotExist();
    }
}
