package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.event.RunListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltInListenersTest {
    @TempDir
    Path state;

    @Test
    void consoleListenerPrintsOneLinePerStepAndCompensation() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Plan plan = Plan.named("deploy").step(FakeStep.named("checkout").build())
                .step(FakeStep.named("notify").irreversible("mail sent").build())
                .verify(FakeStep.named("health").failAlways().build()).build();

        Backstep.runner().stateDir(state).listener(RunListener.console(new PrintStream(buf, true, StandardCharsets.UTF_8)))
                .build().run(plan);

        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("▶ run").contains("deploy on deploy (3 steps)")
                .contains("✔ checkout").contains("✘ health").contains("failed: fake step 'health' failed on call 1")
                .contains("⟲ rolling back").contains("· keep notify").contains("irreversible: mail sent")
                .contains("↩ undo checkout").contains("ROLLED_BACK");
        assertThat(out.lines().filter(l -> l.contains("undo checkout"))).hasSize(1);
    }

    @Test
    void loggingListenerAndCompositeHandleEveryEventWithoutBreakingTheRun() {
        RecordingListener seen = new RecordingListener();
        RunListener both = RunListener.composite(java.util.List.of(RunListener.logging(), seen, RunListener.NONE));
        Plan plan = Plan.named("p").step(FakeStep.named("a").failTimes(1)
                .retry(dev.backstep.RetryPolicy.custom().maxAttempts(2).delay(java.time.Duration.ofMillis(1)).build())
                .build()).step(FakeStep.named("b").failAlways().build()).build();

        Backstep.runner().stateDir(state).listener(both).build().run(plan);

        assertThat(seen.names()).containsExactly("RunStarted", "StepStarted:a", "StepFinished:a", "StepRetrying:a",
                "StepStarted:a", "StepFinished:a", "StepStarted:b", "StepFinished:b", "RollbackStarted",
                "CompensationStarted:a", "CompensationFinished:a", "RunFinished");
    }
}
