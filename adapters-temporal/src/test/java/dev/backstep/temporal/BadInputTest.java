package dev.backstep.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.NothingToRollBackException;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class BadInputTest {
    private static final List<String> HOSTS = List.of("web-1", "web-2");

    private static Rollout.Builder rollout() {
        return Rollout.of("deploy-web").hosts(HOSTS);
    }

    @Test
    void aRolloutWithoutHostsIsRefused() {
        assertThatThrownBy(() -> Rollout.of("deploy-web").hosts(List.of()).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("has no hosts");
    }

    @Test
    void aRolloutListingAHostTwiceIsRefused() {
        assertThatThrownBy(() -> Rollout.of("deploy-web").hosts(List.of("web-1", "web-1")).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("lists a host twice");
    }

    @Test
    void anUnsafeHostNameIsRefused() {
        assertThatThrownBy(() -> Rollout.of("deploy-web").hosts(List.of("../etc")).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("invalid host name '../etc'");
        assertThatThrownBy(() -> PlanRef.of("deploy-web", "web 1"))
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("invalid host name 'web 1'");
    }

    @Test
    void theControlWorkerIsNoHostToDeployTo() {
        assertThatThrownBy(() -> Rollout.of("deploy-web").hosts(List.of("web-1", "control")).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("control worker");
    }

    @Test
    void batchSizeCanaryMaxUnavailableSoakAndGateAreChecked() {
        assertThatThrownBy(() -> rollout().batchSize(0).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("batch size");
        assertThatThrownBy(() -> rollout().canary(2).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("canary");
        assertThatThrownBy(() -> rollout().maxUnavailable(0).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("maxUnavailable");
        assertThatThrownBy(() -> rollout().soak(Duration.ofSeconds(-1)).build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("soak");
        assertThatThrownBy(() -> rollout().gate(" ").build())
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("gate");
    }

    @Test
    void batchesStartWithTheCanary() {
        Rollout r = Rollout.of("deploy-web").hosts(List.of("a", "b", "c", "d", "e", "f")).canary(1).batchSize(2)
                .build();
        assertThat(r.batches()).containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
        assertThat(r.maxUnavailable()).isEqualTo(2);
    }

    @Test
    void aCatalogRefusesDuplicateAndUnknownPlans() {
        PlanCatalog.Builder b = PlanCatalog.builder().plan("p", (h, p) -> null);
        assertThatThrownBy(() -> b.plan("p", (h, p) -> null))
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("already in the catalog");
        assertThatThrownBy(() -> b.build().resolve(PlanRef.of("nope", "web-1")))
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("no plan 'nope'");
        assertThatThrownBy(() -> b.build().resolve(PlanRef.of("p", "web-1")))
                .isInstanceOf(TemporalConfigException.class).hasMessageContaining("returned null");
    }

    @Test
    void aHostWorkerCannotTakeTheControlName(@TempDir Path dir) {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            WorkerFactory f = env.getWorkerFactory();
            PlanCatalog c = PlanCatalog.builder().build();
            assertThatThrownBy(() -> BackstepWorkers.host(f, "control", c, dir))
                    .isInstanceOf(TemporalConfigException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> BackstepWorkflows.builder(env.getWorkflowClient())
                    .heartbeatTimeout(Duration.ZERO))
                    .isInstanceOf(TemporalConfigException.class).hasMessageContaining("heartbeatTimeout");
            assertThatThrownBy(() -> BackstepWorkflows.of(env.getWorkflowClient())
                    .startRollout("bad id/..", Rollout.of("p").hosts(HOSTS).build()))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("invalid run id");
            String longId = "r".repeat(120);
            assertThatThrownBy(() -> BackstepWorkflows.of(env.getWorkflowClient())
                    .startRollout(longId, Rollout.of("p").hosts(HOSTS).build()))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("invalid run id '" + longId + ".rollback.web-1'");
        }
    }

    @Test
    void aRunOfAPlanTheCatalogLacksEndsWithAFailureNamingItAndNothingToRollBack(@TempDir Path root)
            throws Exception {
        PlanCatalog catalog = PlanCatalog.builder()
                .plan("noop", (h, p) -> Plan.named("noop").target(h).step(Step.named("s").action(ctx -> { })
                        .compensation(ctx -> { }).build()).build())
                .build();
        try (FleetFixture fleet = FleetFixture.start(root, List.of("web-1"), fs -> catalog)) {
            RunResult r = fleet.workflows.run(RunId.of("missing-1"), new PlanRef("deploy-nothing", "web-1", Map.of()),
                    Duration.ofSeconds(60));

            assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(r.failure().orElseThrow()).hasMessageContaining("no plan 'deploy-nothing'");
            assertThatThrownBy(() -> fleet.workflows.rollback(RunId.of("missing-1"), Duration.ofSeconds(30)))
                    .isInstanceOf(NothingToRollBackException.class).hasMessageContaining("ended ROLLED_BACK");
        }
    }
}
