package dev.backstep.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backstep.BackstepException;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every definition mistake of the Temporal adapter's builders, from one table: each is a
 * {@link TemporalConfigException}, which is a {@link PlanDefinitionException}, naming the plan when
 * it is known and the offending value, thrown before any worker or workflow exists and before the
 * state directory changed.
 */
@Timeout(120)
class TemporalDefinitionErrorsTest {
    private static final List<String> HOSTS = List.of("web-1", "web-2");

    @TempDir
    static Path state;

    record Mistake(String what, Runnable call, String plan, String message) {
    }

    static Rollout.Builder rollout() {
        return Rollout.of("deploy-web").hosts(HOSTS);
    }

    static List<Mistake> mistakes() {
        PlanCatalog.PlanFactory factory = (host, params) -> Plan.named("deploy-web")
                .step(Step.named("a").action(ctx -> { }).build()).build();
        PlanCatalog catalog = PlanCatalog.builder().plan("deploy-web", factory).build();
        return List.of(
                new Mistake("a rollout without hosts", () -> Rollout.of("deploy-web").hosts(List.of()).build(),
                        "deploy-web", "plan 'deploy-web': the rollout has no hosts, was []"),
                new Mistake("a host listed twice", () -> Rollout.of("deploy-web").hosts(List.of("web-1", "web-1"))
                        .build(), "deploy-web", "plan 'deploy-web': the rollout lists a host twice: [web-1, web-1]"),
                new Mistake("a null host", () -> Rollout.of("deploy-web").hosts(Arrays.asList("web-1", null)),
                        "deploy-web", "plan 'deploy-web': the host list of the rollout holds null: [web-1, null]"),
                new Mistake("a null host list", () -> Rollout.of("deploy-web").hosts(null), null,
                        "the host list is null"),
                new Mistake("a batch size of 0", () -> rollout().batchSize(0).build(), "deploy-web",
                        "plan 'deploy-web': batch size must be at least 1, was 0"),
                new Mistake("a canary as large as the fleet", () -> rollout().canary(2).build(), "deploy-web",
                        "plan 'deploy-web': canary must be between 0 and 1 hosts, was 2"),
                new Mistake("maxUnavailable 0", () -> rollout().maxUnavailable(0).build(), "deploy-web",
                        "plan 'deploy-web': maxUnavailable must be at least 1, was 0"),
                new Mistake("a negative soak", () -> rollout().soak(Duration.ofSeconds(-1)).build(), "deploy-web",
                        "plan 'deploy-web': soak must not be negative, was -1000 ms"),
                new Mistake("a blank gate", () -> rollout().gate(" ").build(), "deploy-web",
                        "plan 'deploy-web': the gate plan name is blank, was ' '"),
                new Mistake("a null parameter value", () -> rollout().param("version", null), null,
                        "the value of parameter 'version' is null"),
                new Mistake("a blank rollout plan", () -> Rollout.of(" ").hosts(HOSTS).build(), null,
                        "a rollout needs a plan name, was ' '"),
                new Mistake("an unsafe host name", () -> PlanRef.of("deploy-web", "web 1"), null,
                        "invalid host name 'web 1': use letters, digits, '.', '_' and '-' (at most 100)"),
                new Mistake("a blank catalog plan", () -> PlanCatalog.builder().plan(" ", factory), null,
                        "a catalog plan needs a non-blank name"),
                new Mistake("a null plan factory", () -> PlanCatalog.builder().plan("deploy-web", null), null,
                        "the factory of plan 'deploy-web' is null"),
                new Mistake("a null workflow client", () -> BackstepWorkflows.builder(null), null,
                        "the workflow client is null"),
                new Mistake("a null worker factory", () -> BackstepWorkers.host(null, "web-1", catalog, state), null,
                        "the worker factory is null"),
                new Mistake("the control worker as a host", () -> BackstepWorkers.host(null, "control", catalog,
                        state), null, "'control' is reserved for the control worker"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingPlanAndValue() throws IOException {
        Files.writeString(state.resolve("marker"), "x");
        return mistakes().stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> {
            List<Path> before = list();
            Throwable t = catchThrowable(m.call()::run);
            assertThat(t).isInstanceOf(BackstepException.class).isInstanceOf(PlanDefinitionException.class)
                    .isInstanceOf(TemporalConfigException.class).hasMessage(m.message());
            PlanDefinitionException e = (PlanDefinitionException) t;
            assertThat(e.planName()).isEqualTo(m.plan());
            assertThat(e.stepName()).isEmpty();
            assertThat(list()).as("the state directory is unchanged").isEqualTo(before);
            assertThat(Files.readString(state.resolve("marker"))).isEqualTo("x");
        }));
    }

    static List<Path> list() throws IOException {
        try (Stream<Path> all = Files.walk(state)) {
            return all.sorted().toList();
        }
    }
}
