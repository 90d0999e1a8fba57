package dev.backstep.temporal;

import dev.backstep.RunFailedException;
import dev.backstep.RunId;
import dev.backstep.RunReport;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A {@link RunResult} rebuilt from a {@link RunRecord}. */
record TemporalRunResult(RunId runId, String planName, String target, RunStatus status, Instant startedAt,
                         Instant endedAt, List<StepOutcome> steps, Optional<RunFailedException> failure,
                         Optional<String> failedStep, List<String> compensated, List<String> stillApplied)
        implements RunResult {

    @Override
    public StepOutcome step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step '" + name + "' in run " + runId));
    }

    @Override
    public RunReport report() {
        return RunReport.of(this);
    }
}
