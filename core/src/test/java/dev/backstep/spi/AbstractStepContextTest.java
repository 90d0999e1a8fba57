package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.testkit.StepHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbstractStepContextTest {
    @TempDir
    Path tmp;

    @Test
    void holdsTheIdentityItWasMadeWithAndLeavesTheRestToTheSubclass() {
        RunId run = RunId.of("harness-7");
        StepHarness harness = StepHarness.of(Step.named("migrate").action(ctx -> { }).build()).runId(run);
        StepContext ctx = harness.context(StepContext.Phase.COMPENSATE);

        assertThat(ctx).isInstanceOf(AbstractStepContext.class);
        assertThat(ctx.runId()).isEqualTo(run);
        assertThat(ctx.planName()).isEqualTo("harness");
        assertThat(ctx.target()).isEqualTo("harness");
        assertThat(ctx.stepName()).isEqualTo("migrate");
        assertThat(ctx.phase()).isEqualTo(StepContext.Phase.COMPENSATE);
        assertThat(ctx.attempt()).isEqualTo(1);
        harness.context(StepContext.Phase.FORWARD).recordAll(Map.of("rev", "a1"));
        assertThat(harness.recorded()).containsEntry("rev", "a1");
    }

    @Test
    void theEngineGivesAStepItsRunPlanTargetNamePhaseAndAttempt() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Step step = Step.named("migrate").action(ctx -> {
            seen.add(ctx.planName() + " " + ctx.target() + " " + ctx.stepName() + " " + ctx.phase() + " "
                    + ctx.attempt() + " " + ctx.runId());
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        }).compensation(ctx -> { }).retry(dev.backstep.RetryPolicy.attempts(2)).build();
        var result = Backstep.runner().journal(Journal.inMemory()).stateDir(tmp).build()
                .run(Plan.named("deploy").target("shop").step(step).build());

        assertThat(seen).containsExactly("deploy shop migrate FORWARD 1 " + result.runId(),
                "deploy shop migrate FORWARD 2 " + result.runId());
    }
}
