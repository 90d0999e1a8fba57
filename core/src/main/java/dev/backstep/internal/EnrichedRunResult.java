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

/**
 * A run's result with what the engine learns after the saga returns it: the outcomes of the
 * rollback steps and the evidence captured for the run. Everything else is the base result's.
 */
record EnrichedRunResult(RunResult base, List<StepOutcome> rollbackSteps, List<Evidence.Captured> evidence)
        implements RunResult {

    EnrichedRunResult {
        rollbackSteps = List.copyOf(rollbackSteps);
        evidence = List.copyOf(evidence);
    }

    /** {@code result} with the outcomes of its rollback steps (unchanged when there are none). */
    static RunResult withRollbackSteps(RunResult result, List<StepOutcome> outcomes) {
        return outcomes.isEmpty() ? result : of(result).copy(outcomes, null);
    }

    /** {@code result} with its run's captured evidence (unchanged when there is none). */
    static RunResult withEvidence(RunResult result, List<Evidence.Captured> items) {
        return items.isEmpty() ? result : of(result).copy(null, items);
    }

    private static EnrichedRunResult of(RunResult r) {
        return r instanceof EnrichedRunResult e ? e : new EnrichedRunResult(r, r.rollbackSteps(), r.evidence());
    }

    private EnrichedRunResult copy(List<StepOutcome> steps, List<Evidence.Captured> items) {
        return new EnrichedRunResult(base, steps != null ? steps : rollbackSteps, items != null ? items : evidence);
    }

    @Override
    public RunId runId() {
        return base.runId();
    }

    @Override
    public String planName() {
        return base.planName();
    }

    @Override
    public String target() {
        return base.target();
    }

    @Override
    public RunStatus status() {
        return base.status();
    }

    @Override
    public Instant startedAt() {
        return base.startedAt();
    }

    @Override
    public Instant endedAt() {
        return base.endedAt();
    }

    @Override
    public List<StepOutcome> steps() {
        return base.steps();
    }

    /** A rollback step's outcome by its name, else the plan step's. */
    @Override
    public StepOutcome step(String name) {
        return rollbackSteps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseGet(() -> base.step(name));
    }

    @Override
    public Optional<RunFailedException> failure() {
        return base.failure();
    }

    @Override
    public Optional<String> failedStep() {
        return base.failedStep();
    }

    @Override
    public List<String> compensated() {
        return base.compensated();
    }

    @Override
    public List<String> stillApplied() {
        return base.stillApplied();
    }

    @Override
    public RunReport report() {
        return new TextAndJsonReport(this);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
