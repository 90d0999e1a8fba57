package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class AbstractStepContextTest {
    @TempDir
    Path tmp;

    /** The smallest context a worker could run a step with. */
    static final class MemoryContext extends AbstractStepContext {
        final Map<String, String> values = new LinkedHashMap<>();

        MemoryContext(RunId run, String step, Phase phase, int attempt) {
            super(run, "deploy", "shop", step, phase, attempt);
        }

        @Override
        public void record(String key, String value) {
            values.putIfAbsent(key, value);
        }

        @Override
        public Optional<String> recorded(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public Map<String, String> recordedValues() {
            return Map.copyOf(values);
        }

        @Override
        public CommandRunner commands() {
            return CommandRunner.local();
        }

        @Override
        public Path backupDir() {
            return Path.of("/nonexistent");
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("test");
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }

    @Test
    void holdsTheIdentityItWasMadeWithAndLeavesTheRestToTheSubclass() {
        RunId run = RunId.generate(Instant.now());
        MemoryContext ctx = new MemoryContext(run, "migrate", StepContext.Phase.COMPENSATE, 2);

        assertThat(ctx.runId()).isEqualTo(run);
        assertThat(ctx.planName()).isEqualTo("deploy");
        assertThat(ctx.target()).isEqualTo("shop");
        assertThat(ctx.stepName()).isEqualTo("migrate");
        assertThat(ctx.phase()).isEqualTo(StepContext.Phase.COMPENSATE);
        assertThat(ctx.attempt()).isEqualTo(2);
        ctx.recordAll(Map.of("rev", "a1"));
        assertThat(ctx.recorded("rev")).contains("a1");
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
