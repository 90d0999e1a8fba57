package dev.backstep.temporal.internal;

import dev.backstep.Plan;
import dev.backstep.RetryPolicy;
import dev.backstep.Step;
import dev.backstep.StepKind;
import dev.backstep.temporal.PlanRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The data that travels between workflow and activities. Not API. */
public final class Shapes {
    private Shapes() {
    }

    /** A retry policy as plain data. */
    public record Retry(int maxAttempts, long initialDelayMs, double multiplier, long maxDelayMs) {
        static Retry of(RetryPolicy p) {
            return new Retry(p.maxAttempts(), p.initialDelay().toMillis(), p.multiplier(), p.maxDelay().toMillis());
        }

        /** The delay after the failed attempt {@code attempt} (1-based), as {@link RetryPolicy#delayAfter}. */
        public Duration delayAfter(int attempt) {
            return new RetryPolicy(maxAttempts, Duration.ofMillis(initialDelayMs), multiplier,
                    Duration.ofMillis(maxDelayMs)).delayAfter(attempt);
        }
    }

    /** What the workflow needs to know of a step: never its code. */
    public record StepShape(String name, StepKind kind, String type, int stage, Retry retry, Long timeoutMs,
                            Retry compensationRetry, Long compensationTimeoutMs, String irreversible) {
    }

    /** One stage: a step or a parallel group. */
    public record StageShape(boolean parallel, List<StepShape> steps) {
    }

    /**
     * A plan as the workflow sees it. {@code invalidStep}/{@code invalid} are set when a step's
     * validation failed on the host: then nothing runs.
     */
    public record PlanShape(String planName, String target, List<StageShape> stages, String invalidStep,
                            String invalid, String lockedBy) {
        static PlanShape of(Plan plan) {
            List<StageShape> stages = new ArrayList<>();
            int i = 0;
            for (Plan.Stage st : plan.stages()) {
                List<StepShape> steps = new ArrayList<>();
                for (Step s : st.steps()) {
                    steps.add(new StepShape(s.name(), s.kind(), s.type(), i, Retry.of(s.policy().retry()),
                            s.policy().timeout().map(Duration::toMillis).orElse(null),
                            Retry.of(s.policy().compensationRetry()),
                            s.policy().compensationTimeout().map(Duration::toMillis).orElse(null),
                            s.compensation().irreversibleReason().orElse(null)));
                }
                stages.add(new StageShape(st.parallel(), steps));
                i++;
            }
            return new PlanShape(plan.name(), plan.target(), stages, null, null, null);
        }

        PlanShape invalid(String step, String why) {
            return new PlanShape(planName, target, stages, step, why, lockedBy);
        }

        PlanShape locked(String holder) {
            return new PlanShape(planName, target, stages, invalidStep, invalid, holder);
        }

        public List<StepShape> steps() {
            return stages.stream().flatMap(s -> s.steps().stream()).toList();
        }
    }

    /** One call of a step's action or compensation. */
    public record StepCall(PlanRef ref, String runId, String step, int attempt, Map<String, String> recorded) {
        public StepCall {
            recorded = recorded == null ? Map.of() : Map.copyOf(recorded);
        }
    }

    /** What a successful action or compensation returns: the values recorded, the summary. */
    public record StepDone(Map<String, String> recorded, String summary) {
        public StepDone {
            recorded = recorded == null ? Map.of() : Map.copyOf(recorded);
        }
    }

    /** Carried by a failed action: what it recorded before failing, and whether it was cut off. */
    public record StepFailure(Map<String, String> recorded, boolean outcomeUnknown) {
        public StepFailure {
            recorded = recorded == null ? Map.of() : Map.copyOf(recorded);
        }
    }

    /** Timeouts and compensation mode of a run: chosen by the client, kept in history. */
    public record Settings(long heartbeatMs, long defaultStepTimeoutMs, long hostLostAfterMs,
                           dev.backstep.CompensationMode compensation) {
    }

    /** The input of a plan's run. */
    public record RunInput(String runId, PlanRef ref, Settings settings) {
    }
}
