package dev.backstep.internal;

import dev.backstep.Evidence;
import dev.backstep.RunFailedException;
import dev.backstep.RunId;
import dev.backstep.RunReport;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Immutable {@link RunResult}; {@code stillApplied} comes from the run's {@link RunState#stillApplied()}.
 * The rollback steps' outcomes and the captured evidence are known only after the saga returns:
 * {@link #withRollbackSteps} and {@link #withEvidence} add them.
 */
public record DefaultRunResult(RunId runId, String planName, String target, RunStatus status, Instant startedAt,
                               Instant endedAt, List<StepOutcome> steps, Optional<RunFailedException> failure,
                               Optional<String> failedStep, List<String> compensated, List<String> stillApplied,
                               List<StepOutcome> rollbackSteps, List<Evidence.Captured> evidence)
        implements RunResult {

    public DefaultRunResult {
        steps = List.copyOf(steps);
        compensated = List.copyOf(compensated);
        stillApplied = List.copyOf(stillApplied);
        rollbackSteps = List.copyOf(rollbackSteps);
        evidence = List.copyOf(evidence);
    }

    public DefaultRunResult(RunId runId, String planName, String target, RunStatus status, Instant startedAt,
                            Instant endedAt, List<StepOutcome> steps, Optional<RunFailedException> failure,
                            Optional<String> failedStep, List<String> compensated, List<String> stillApplied) {
        this(runId, planName, target, status, startedAt, endedAt, steps, failure, failedStep, compensated, stillApplied,
                List.of(), List.of());
    }

    /** This result with the outcomes of the rollback steps. */
    public DefaultRunResult withRollbackSteps(List<StepOutcome> outcomes) {
        return new DefaultRunResult(runId, planName, target, status, startedAt, endedAt, steps, failure, failedStep,
                compensated, stillApplied, outcomes, evidence);
    }

    /** This result with the evidence captured for its run. */
    public DefaultRunResult withEvidence(List<Evidence.Captured> items) {
        return new DefaultRunResult(runId, planName, target, status, startedAt, endedAt, steps, failure, failedStep,
                compensated, stillApplied, rollbackSteps, items);
    }

    /** A rollback step's outcome by its name, else the plan step's. */
    @Override
    public StepOutcome step(String name) {
        return Stream.concat(rollbackSteps.stream(), steps.stream()).filter(s -> s.name().equals(name)).findFirst()
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
