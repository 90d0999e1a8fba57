package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps that would leave a change nobody undoes are refused before anything runs. */
class UnsafeStepsTest {
    @TempDir
    Path tmp;

    @Test
    void aStepWithSideEffectsCannotBeAVerification() throws Exception {
        Path config = Files.writeString(tmp.resolve("app.conf"), "old\n");
        Step replace = ConfigFile.replace(config, "new\n");
        assertThatThrownBy(() -> Plan.named("deploy app").step(Step.named("noop").action(ctx -> { }).build())
                .verify(replace).build())
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("plan 'deploy app'")
                .hasMessageContaining("step '" + replace.name() + "' (type files.replace)")
                .hasMessageContaining("cannot be a verification");
        assertThat(config).hasContent("old");
        // checks and steps of no known type (a lambda, a fake) stay verifications
        Plan plan = Plan.named("p").verify(Step.verification("smoke", ctx -> { }))
                .verify(Step.named("health").action(ctx -> { }).build()).build();
        assertThat(plan.steps()).extracting(Step::kind).containsOnly(StepKind.VERIFICATION);
    }

    @Test
    void aCommandIsAVerificationOnlyWhenItSaysSo() {
        Command probe = Command.of("test", "-d", tmp.toString());
        assertThatThrownBy(() -> Plan.named("p").verify(probe).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("asVerification()");
        Plan plan = Plan.named("p").verify(probe.asVerification()).build();
        assertThat(Backstep.runner().stateDir(tmp.resolve("state")).build().run(plan).status())
                .isEqualTo(RunStatus.SUCCEEDED);
    }

    /** A hand-written step whose author forgot the compensation. */
    private static Step forgetful(Path marker) {
        return new Step() {
            @Override
            public String name() {
                return "write marker";
            }

            @Override
            public void execute(StepContext ctx) throws Exception {
                Files.writeString(marker, "written");
            }

            @Override
            public Compensation compensation() {
                return null;
            }

            @Override
            public String describe() {
                return "write " + marker;
            }
        };
    }

    @Test
    void aStepWithoutACompensationIsRefusedByPlanBuild() {
        Path marker = tmp.resolve("marker");
        assertThatThrownBy(() -> Plan.named("deploy app").step(forgetful(marker)).build())
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("plan 'deploy app'")
                .hasMessageContaining("step 'write marker' returns no compensation")
                .hasMessageContaining("Compensation.none");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aStepWithoutACompensationIsRefusedBeforeAnythingRunsInAPlanNotBuiltByTheBuilder() {
        Path marker = tmp.resolve("marker");
        Path before = tmp.resolve("before");
        Step first = Step.named("touch before").action(ctx -> Files.writeString(before, "x"))
                .compensation(ctx -> Files.deleteIfExists(before)).build();
        Plan plan = Plan.of("deploy app", "app", List.of(new Plan.Stage(List.of(first), false),
                new Plan.Stage(List.of(forgetful(marker)), false)));
        try (Journal journal = Journal.inMemory()) {
            assertThatThrownBy(() -> Backstep.runner().journal(journal).stateDir(tmp.resolve("state")).build().run(plan))
                    .isInstanceOf(StepValidationException.class)
                    .hasMessageContaining("step 'write marker'")
                    .hasMessageContaining("plan 'deploy app'")
                    .hasMessageContaining("returns no compensation");
            assertThat(journal.runIds()).isEmpty();
        }
        assertThat(before).doesNotExist();
        assertThat(marker).doesNotExist();
    }
}
