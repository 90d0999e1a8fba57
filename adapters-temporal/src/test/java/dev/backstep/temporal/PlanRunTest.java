package dev.backstep.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.StepStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class PlanRunTest {
    private static final List<String> HOSTS = List.of("web-1", "web-2", "web-3");
    @TempDir
    Path root;
    FleetFixture fleet;

    /** The deploy plan of one host, over that host's own directory. */
    static PlanCatalog catalog(Path fs) {
        return PlanCatalog.builder()
                .plan("deploy-web", FleetFixture.deployWeb(fs))
                .plan("slow", (host, p) -> Plan.named("slow")
                        .target(host)
                        .step(Step.named("append run")
                                .action(ctx -> {
                                    // two values in a row: the second falls within the heartbeat
                                    // throttle, only the host's own file keeps it across a kill
                                    String invocation = java.util.UUID.randomUUID().toString();
                                    ctx.record("first", invocation);
                                    ctx.record("second", invocation);
                                    append(fs.resolve("runs.log"), invocation);
                                    Files.writeString(fs.resolve("started"), "x");
                                    // waits until the test lets it go: the first attempt is killed here
                                    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                                    while (!Files.exists(fs.resolve("go")) && System.nanoTime() < until) {
                                        ctx.throwIfCancelled();
                                        Thread.sleep(20);
                                    }
                                    Files.writeString(fs.resolve("done"), ctx.recorded("first").orElse("?")
                                            + " " + ctx.recorded("second").orElse("?"));
                                })
                                .compensation(ctx -> Files.deleteIfExists(fs.resolve("done")))
                                .build())
                        .build())
                .plan("cancellable", (host, p) -> Plan.named("cancellable")
                        .target(host)
                        .step(Step.named("marker")
                                .action(ctx -> Files.writeString(fs.resolve("marker"), "x"))
                                .compensation(ctx -> Files.delete(fs.resolve("marker")))
                                .build())
                        .step(Step.named("wait")
                                .action(ctx -> {
                                    Files.writeString(fs.resolve("half-done"), "x");
                                    Files.writeString(fs.resolve("started"), "x");
                                    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                                    while (System.nanoTime() < until) {
                                        ctx.throwIfCancelled();
                                        Thread.sleep(20);
                                    }
                                })
                                .compensation(ctx -> Files.deleteIfExists(fs.resolve("half-done")))
                                .build())
                        .build())
                .build();
    }

    static void append(Path file, String line) throws IOException {
        Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @BeforeEach
    void start() throws IOException {
        fleet = FleetFixture.start(root, HOSTS, PlanRunTest::catalog);
        fleet.seedVersion1WithBuild2(HOSTS);
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    @Test
    void aPlanForWeb3RunsItsStepsOnWeb3Only() throws IOException {
        RunResult r = fleet.workflows.run(RunId.of("deploy-web-3"), PlanRef.of("deploy-web", "web-3")
                .with("version", "2"), Duration.ofSeconds(60));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.target()).isEqualTo("web-3");
        assertThat(Files.readString(fleet.dir("web-3").resolve("app.conf"))).isEqualTo("version=2\n");
        assertThat(Files.readString(fleet.dir("web-3").resolve("current/index.html"))).isEqualTo("v2 on web-3");
        for (String other : List.of("web-1", "web-2")) {
            assertThat(Files.readString(fleet.dir(other).resolve("app.conf"))).isEqualTo("version=1\n");
            assertThat(fleet.dir(other).resolve("current")).doesNotExist();
            assertThat(fleet.dir(other).resolve("releases")).doesNotExist();
        }
        assertThat(r.steps()).allSatisfy(s -> assertThat(s.recorded()).isNotEmpty());
    }

    @Test
    void aPlanForAHostWhoseWorkerIsDownWaitsForItAndNeverRunsElsewhere() throws Exception {
        fleet.killHost("web-3");
        RunId id = RunId.of("deploy-web-3-while-down");
        fleet.workflows.start(id, PlanRef.of("deploy-web", "web-3").with("version", "2"));
        Thread.sleep(3000);     // web-1 and web-2 are polling all along

        for (String h : HOSTS) {
            assertThat(Files.readString(fleet.dir(h).resolve("app.conf"))).isEqualTo("version=1\n");
        }
        fleet.startHost("web-3");
        RunResult r = fleet.workflows.result(id, Duration.ofSeconds(60));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(fleet.dir("web-3").resolve("app.conf"))).isEqualTo("version=2\n");
        assertThat(Files.readString(fleet.dir("web-1").resolve("app.conf"))).isEqualTo("version=1\n");
        assertThat(Files.readString(fleet.dir("web-2").resolve("app.conf"))).isEqualTo("version=1\n");
    }

    @Test
    void aCancelledRunStopsItsRunningStepAndRollsBack() throws Exception {
        RunId id = RunId.of("cancel-web-2");
        Path fs = fleet.dir("web-2");
        fleet.workflows.start(id, PlanRef.of("cancellable", "web-2"));
        awaitFile(fs.resolve("started"));

        fleet.client().newUntypedWorkflowStub(id.value()).cancel();
        RunResult r = fleet.workflows.result(id, Duration.ofSeconds(60));

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failedStep()).contains("wait");
        assertThat(r.failure().orElseThrow().getCause()).isInstanceOf(dev.backstep.StepCancelledException.class);
        assertThat(r.compensated()).containsExactly("wait", "marker");
        assertThat(fs.resolve("marker")).doesNotExist();
        assertThat(fs.resolve("half-done")).doesNotExist();
    }

    @Test
    void aSecondRunOfATargetIsRefusedWhileTheFirstRunsAndAllowedAfterIt() throws Exception {
        Path fs = fleet.dir("web-2");
        RunId first = RunId.of("slow-first");
        fleet.workflows.start(first, PlanRef.of("slow", "web-2"));
        awaitFile(fs.resolve("started"));

        RunResult refused = fleet.workflows.run(RunId.of("deploy-while-busy"),
                PlanRef.of("deploy-web", "web-2").with("version", "2"), Duration.ofSeconds(60));

        assertThat(refused.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(refused.failure().orElseThrow().getCause()).isInstanceOf(dev.backstep.LockUnavailableException.class)
                .hasMessageContaining("target 'web-2'").hasMessageContaining("locked by run slow-first");
        assertThat(refused.steps()).allSatisfy(o -> assertThat(o.status()).isEqualTo(StepStatus.NOT_RUN));
        assertThat(Files.readString(fs.resolve("app.conf"))).isEqualTo("version=1\n");

        Files.writeString(fs.resolve("go"), "");
        assertThat(fleet.workflows.result(first, Duration.ofSeconds(60)).status()).isEqualTo(RunStatus.SUCCEEDED);
        RunResult after = fleet.workflows.run(RunId.of("deploy-after"),
                PlanRef.of("deploy-web", "web-2").with("version", "2"), Duration.ofSeconds(60));
        assertThat(after.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(fs.resolve("app.conf"))).isEqualTo("version=2\n");
    }

    @Test
    void aSucceededRunIsRolledBackLaterFromTheValuesInItsHistory() throws IOException {
        RunId id = RunId.of("deploy-web-1");
        fleet.workflows.run(id, PlanRef.of("deploy-web", "web-1").with("version", "2"), Duration.ofSeconds(60));
        assertThat(Files.readString(fleet.dir("web-1").resolve("app.conf"))).isEqualTo("version=2\n");

        RunResult back = fleet.workflows.rollback(id, Duration.ofSeconds(60));

        assertThat(back.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(back.compensated()).containsExactly("deploy 2", "replace " + fleet.dir("web-1").resolve("app.conf"));
        assertThat(Files.readString(fleet.dir("web-1").resolve("app.conf"))).isEqualTo("version=1\n");
        assertThat(fleet.dir("web-1").resolve("current")).doesNotExist();
    }

    @Test
    void aDuplicateStartWithTheSameRunIdAttachesToTheRunningRun() throws Exception {
        RunId id = RunId.of("slow-web-2");
        PlanRef ref = PlanRef.of("slow", "web-2");
        Path fs = fleet.dir("web-2");
        fleet.workflows.start(id, ref);
        awaitFile(fs.resolve("started"));
        String firstExecution = fleet.client().newUntypedWorkflowStub(id.value()).describe().getExecution()
                .getRunId();

        fleet.workflows.start(id, ref);       // the deploy tool restarted and starts the same run again
        Files.writeString(fs.resolve("go"), "");
        RunResult r = fleet.workflows.result(id, Duration.ofSeconds(60));
        fleet.workflows.start(id, ref);       // and once more after it finished

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(fs.resolve("runs.log"))).hasSize(1);
        assertThat(fleet.client().newUntypedWorkflowStub(id.value()).describe().getExecution().getRunId())
                .isEqualTo(firstExecution);
    }

    @Test
    void aWorkerKilledInTheMiddleOfAStepAndRestartedFinishesTheRun() throws Exception {
        RunId id = RunId.of("slow-web-1");
        Path fs = fleet.dir("web-1");
        fleet.workflows.start(id, PlanRef.of("slow", "web-1"));
        awaitFile(fs.resolve("started"));

        fleet.killHost("web-1");
        Files.delete(fs.resolve("started"));
        Files.writeString(fs.resolve("go"), "");
        fleet.startHost("web-1");
        RunResult r = fleet.workflows.result(id, Duration.ofSeconds(90));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        // the action ran again after the kill (a poll already in flight may hand the retry to the
        // dying worker once more, which gives it up at once) ...
        List<String> invocations = Files.readAllLines(fs.resolve("runs.log"));
        assertThat(invocations).hasSizeGreaterThanOrEqualTo(2);
        // ... but a lost worker is not a failed attempt of the step
        assertThat(r.step("append run").attempts()).isEqualTo(1);
        assertThat(r.step("append run").status()).isEqualTo(StepStatus.SUCCEEDED);
        // and what the killed attempt recorded (the state before the step) survived it
        String first = invocations.get(0);
        assertThat(Files.readString(fs.resolve("done"))).isEqualTo(first + " " + first);
        assertThat(r.step("append run").recorded()).containsEntry("first", first).containsEntry("second", first);
    }

    static void awaitFile(Path f) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(f)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + f);
            }
            Thread.sleep(20);
        }
    }
}
