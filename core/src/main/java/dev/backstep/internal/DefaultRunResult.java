package dev.backstep.internal;

import dev.backstep.RunFailedException;
import dev.backstep.RunId;
import dev.backstep.RunReport;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Immutable {@link RunResult}; {@code stillApplied} comes from the run's {@link RunState#stillApplied()}. */
public record DefaultRunResult(RunId runId, String planName, String target, RunStatus status, Instant startedAt,
                               Instant endedAt, List<StepOutcome> steps, Optional<RunFailedException> failure,
                               Optional<String> failedStep, List<String> compensated, List<String> stillApplied)
        implements RunResult {

    public DefaultRunResult {
        steps = List.copyOf(steps);
        compensated = List.copyOf(compensated);
        stillApplied = List.copyOf(stillApplied);
    }

    @Override
    public StepOutcome step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no step '" + name + "'"));
    }

    @Override
    public RunReport report() {
        return new TextAndJsonReport(this);
    }

    @Override
    public String toString() {
        return "RunResult[" + runId + ", " + planName + ", " + status + "]";
    }
}
