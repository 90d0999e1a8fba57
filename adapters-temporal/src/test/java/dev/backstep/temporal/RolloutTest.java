package dev.backstep.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Plan;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class RolloutTest {
    private static final List<String> SIX = List.of("web-1", "web-2", "web-3", "web-4", "web-5", "web-6");
    @TempDir
    Path root;
    FleetFixture fleet;

    /**
     * Each host deploys a config file and a release into its own directory; the gate (run by the
     * control worker) fails when a host of the batch has an {@code unhealthy} marker.
     */
    PlanCatalog catalog(Path fs) {
        return PlanCatalog.builder()
                .plan("deploy-web", FleetFixture.deployWeb(fs))
                .plan("deploy-marker", (host, p) -> Plan.named("deploy marker").target(host)
                        .step(ConfigFile.replace(fs.resolve("app.conf"), "version=" + p.get("version") + "\n"))
                        .step(Step.named("enable feature")
                                .action(ctx -> Files.writeString(fs.resolve("feature"), "on"))
                                .compensation(ctx -> {
                                    if (Files.exists(fs.resolve("undo-breaks"))) {
                                        throw new IOException("feature flag service refused on " + host);
                                    }
                                    Files.delete(fs.resolve("feature"));
                                })
                                .build())
                        .build())
                .plan("fleet-health", (host, p) -> Plan.named("fleet health after batch " + p.get("batch"))
                        .target("fleet")
                        .verify(Step.verification("hosts healthy", ctx -> {
                            for (String h : p.get("hosts").split(",")) {
                                if (Files.exists(root.resolve(h).resolve("unhealthy"))) {
                                    throw new IllegalStateException(h + " answers 503");
                                }
                            }
                        }))
                        .build())
                .build();
    }

    void startFleet(List<String> hosts, boolean timeSkipping) throws IOException {
        fleet = timeSkipping ? FleetFixture.startTimeSkipping(root, hosts, this::catalog)
                : FleetFixture.start(root, hosts, this::catalog);
        fleet.seedVersion1WithBuild2(hosts);
    }

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private void assertUntouched(String host) throws IOException {
        assertThat(Files.readString(fleet.dir(host).resolve("app.conf"))).isEqualTo("version=1\n");
        assertThat(fleet.dir(host).resolve("current")).doesNotExist();
        assertThat(fleet.dir(host).resolve("releases")).doesNotExist();
    }

    /** Back to the state before the rollout (the empty releases/ directory may stay). */
    private void assertBack(String host) throws IOException {
        assertThat(Files.readString(fleet.dir(host).resolve("app.conf"))).isEqualTo("version=1\n");
        assertThat(fleet.dir(host).resolve("current")).doesNotExist();
        assertThat(fleet.dir(host).resolve("releases/2")).doesNotExist();
    }

    private void assertDeployed(String host) throws IOException {
        assertThat(Files.readString(fleet.dir(host).resolve("app.conf"))).isEqualTo("version=2\n");
        assertThat(Files.readString(fleet.dir(host).resolve("current/index.html"))).isEqualTo("v2 on " + host);
    }

    @Test
    void aFailingGateInBatchTwoRollsBackBatchesOneAndTwoNewestFirstAndLeavesBatchThreeUntouched() throws IOException {
        startFleet(SIX, false);
        Files.writeString(fleet.dir("web-4").resolve("unhealthy"), "");
        Rollout rollout = Rollout.of("deploy-web").hosts(SIX).param("version", "2")
                .batchSize(2).gate("fleet-health").build();

        RolloutResult r = fleet.workflows.rollout("rollout-gate", rollout, Duration.ofSeconds(100));

        assertThat(r.status()).isEqualTo(RolloutResult.Status.ROLLED_BACK);
        assertThat(r.reason()).contains("gate 'fleet-health' after batch 2 failed").contains("web-4 answers 503");
        assertThat(r.rolledBack()).containsExactly("web-4", "web-3", "web-2", "web-1");
        for (String h : List.of("web-1", "web-2", "web-3", "web-4")) {
            HostOutcome o = r.host(h);
            assertThat(o.state()).isEqualTo(HostOutcome.State.ROLLED_BACK);
            assertThat(o.deploy().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(o.rollback().toRunResult().status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertBack(h);
        }
        for (String h : List.of("web-5", "web-6")) {
            assertThat(r.host(h).state()).isEqualTo(HostOutcome.State.UNTOUCHED);
            assertThat(r.host(h).batch()).isEqualTo(3);
            assertThat(r.host(h).deploy()).isNull();
            assertUntouched(h);
        }
        assertThat(r.gates()).hasSize(2);
        assertThat(r.gates().get(0).succeeded()).isTrue();
        assertThat(r.gates().get(1).status()).isEqualTo(RunStatus.ROLLED_BACK);
    }

    @Test
    void aHostWhoseDeployFailsRollsItselfBackAndTheRolloutUndoesItsBatchMates() throws IOException {
        List<String> hosts = List.of("web-1", "web-2", "web-3", "web-4");
        startFleet(hosts, false);
        // web-2 has no build to deploy: its release step fails after its config file changed
        Files.delete(fleet.dir("web-2").resolve("build/index.html"));
        Files.delete(fleet.dir("web-2").resolve("build"));
        Rollout rollout = Rollout.of("deploy-web").hosts(hosts).param("version", "2").batchSize(3).build();

        RolloutResult r = fleet.workflows.rollout("rollout-host-fails", rollout, Duration.ofSeconds(100));

        assertThat(r.status()).isEqualTo(RolloutResult.Status.ROLLED_BACK);
        assertThat(r.reason()).contains("host 'web-2' in batch 1 failed");
        assertThat(r.host("web-2").state()).isEqualTo(HostOutcome.State.FAILED);
        assertThat(r.host("web-2").deploy().status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.rolledBack()).containsExactly("web-3", "web-1");
        for (String h : List.of("web-1", "web-2", "web-3")) {
            assertBack(h);
        }
        assertThat(r.host("web-4").state()).isEqualTo(HostOutcome.State.UNTOUCHED);
        assertUntouched("web-4");
    }

    @Test
    void aHostThatCannotBeRolledBackIsReportedAndTheOthersAreStillRolledBack() throws IOException {
        List<String> hosts = List.of("web-1", "web-2", "web-3");
        startFleet(hosts, false);
        Files.writeString(fleet.dir("web-1").resolve("undo-breaks"), "");
        Files.writeString(fleet.dir("web-2").resolve("unhealthy"), "");
        Rollout rollout = Rollout.of("deploy-marker").hosts(hosts).param("version", "2")
                .batchSize(1).gate("fleet-health").build();

        RolloutResult r = fleet.workflows.rollout("rollout-undo-fails", rollout, Duration.ofSeconds(100));

        assertThat(r.status()).isEqualTo(RolloutResult.Status.ROLLBACK_FAILED);
        assertThat(r.rolledBack()).containsExactly("web-2", "web-1");
        assertThat(r.host("web-2").state()).isEqualTo(HostOutcome.State.ROLLED_BACK);
        assertBack("web-2");
        HostOutcome broken = r.host("web-1");
        assertThat(broken.state()).isEqualTo(HostOutcome.State.ROLLBACK_FAILED);
        dev.backstep.RunResult undo = broken.rollback().toRunResult();
        assertThat(undo.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(undo.stillApplied()).containsExactly("enable feature");
        assertThat(undo.failure().orElseThrow().getCause())
                .hasMessageContaining("feature flag service refused on web-1");
        // the other step of the broken host was still undone
        assertThat(Files.readString(fleet.dir("web-1").resolve("app.conf"))).isEqualTo("version=1\n");
        assertThat(fleet.dir("web-1").resolve("feature")).exists();
        assertThat(r.host("web-3").state()).isEqualTo(HostOutcome.State.UNTOUCHED);
    }

    @Test
    void aCancelledRolloutRollsBackTheHostsItDeployedAndLeavesTheRestUntouched() throws Exception {
        List<String> hosts = List.of("web-1", "web-2", "web-3");
        startFleet(hosts, false);
        Rollout rollout = Rollout.of("deploy-web").hosts(hosts).param("version", "2")
                .batchSize(1).soak(Duration.ofHours(1)).gate("fleet-health").build();
        fleet.workflows.startRollout("rollout-cancelled", rollout);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(fleet.dir("web-1").resolve("app.conf")).equals("version=2\n")) {
            assertThat(System.nanoTime()).as("web-1 deployed in time").isLessThan(until);
            Thread.sleep(20);
        }

        fleet.client().newUntypedWorkflowStub("rollout-cancelled").cancel();
        RolloutResult r = fleet.workflows.rolloutResult("rollout-cancelled", Duration.ofSeconds(60));

        assertThat(r.status()).isEqualTo(RolloutResult.Status.ROLLED_BACK);
        assertThat(r.reason()).isEqualTo("the rollout was cancelled");
        assertThat(r.rolledBack()).containsExactly("web-1");
        assertThat(r.host("web-1").state()).isEqualTo(HostOutcome.State.ROLLED_BACK);
        assertBack("web-1");
        for (String h : List.of("web-2", "web-3")) {
            assertThat(r.host(h).state()).isEqualTo(HostOutcome.State.UNTOUCHED);
            assertUntouched(h);
        }
    }

    @Test
    void aFinishedRolloutIsRolledBackLaterOnEveryHostNewestFirst() throws IOException {
        List<String> hosts = List.of("web-1", "web-2", "web-3");
        startFleet(hosts, false);
        Rollout rollout = Rollout.of("deploy-web").hosts(hosts).param("version", "2")
                .canary(1).batchSize(2).maxUnavailable(1).gate("fleet-health").build();

        RolloutResult done = fleet.workflows.rollout("rollout-ok", rollout, Duration.ofSeconds(100));
        assertThat(done.status()).isEqualTo(RolloutResult.Status.SUCCEEDED);
        assertThat(done.host("web-1").batch()).isEqualTo(1);
        assertThat(done.host("web-3").batch()).isEqualTo(2);
        // maxUnavailable 1: web-3 started only after web-2 finished
        assertThat(done.host("web-3").deploy().startedAt()).isGreaterThanOrEqualTo(done.host("web-2").deploy().endedAt());
        hosts.forEach(h -> {
            try {
                assertDeployed(h);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });

        RolloutResult back = fleet.workflows.rollback("rollout-ok", Duration.ofSeconds(100));

        assertThat(back.status()).isEqualTo(RolloutResult.Status.ROLLED_BACK);
        assertThat(back.rolledBack()).containsExactly("web-3", "web-2", "web-1");
        for (String h : hosts) {
            assertThat(back.host(h).state()).isEqualTo(HostOutcome.State.ROLLED_BACK);
            assertBack(h);
        }
        // asking again attaches to the same rollback instead of undoing twice
        assertThat(fleet.workflows.rollback("rollout-ok", Duration.ofSeconds(30)).rolledBack())
                .containsExactly("web-3", "web-2", "web-1");
    }

    @Test
    void aLongSoakBeforeEachGateIsADurableTimerThatTestsSkip() throws IOException {
        List<String> hosts = List.of("web-1", "web-2");
        startFleet(hosts, true);
        Rollout rollout = Rollout.of("deploy-web").hosts(hosts).param("version", "2")
                .batchSize(1).gate("fleet-health").soak(Duration.ofHours(6)).build();
        long t0 = System.nanoTime();

        RolloutResult r = fleet.workflows.rollout("rollout-soak", rollout, Duration.ofSeconds(100));

        assertThat(r.status()).isEqualTo(RolloutResult.Status.SUCCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(90));
        // in workflow time, each gate ran at least six hours after its batch was deployed
        assertThat(r.gates().get(0).startedAt() - r.host("web-1").deploy().endedAt())
                .isGreaterThanOrEqualTo(Duration.ofHours(6).toMillis());
        assertThat(r.gates().get(1).startedAt() - r.host("web-2").deploy().endedAt())
                .isGreaterThanOrEqualTo(Duration.ofHours(6).toMillis());
        hosts.forEach(h -> {
            try {
                assertDeployed(h);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }
}
