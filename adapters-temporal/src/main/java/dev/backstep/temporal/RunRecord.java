package dev.backstep.temporal;

import dev.backstep.CompensationFailedException;
import dev.backstep.LockUnavailableException;
import dev.backstep.RunFailedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepCancelledException;
import dev.backstep.StepFailedException;
import dev.backstep.StepOutcome;
import dev.backstep.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of a plan's run (or of its later rollback) as a Temporal workflow returns it: plain
 * data that travels through history. {@link #toRunResult()} converts it to Backstep's
 * {@link RunResult}, with the same statuses, outcomes and failures a local run reports.
 *
 * <pre>{@code
 * RunRecord rec = stub.getResult(RunRecord.class);
 * RunResult result = rec.toRunResult();
 * if (result.status() == RunStatus.ROLLBACK_FAILED) page(result.stillApplied());
 * }</pre>
 *
 * @param runId the run id (the workflow id)
 * @param ref the plan, host and parameters
 * @param planName the plan's own name
 * @param target the plan's target
 * @param status how the run ended
 * @param startedAt epoch millis (workflow time) the run started
 * @param endedAt epoch millis (workflow time) the run ended
 * @param steps one record per step, in plan order
 * @param failures every failure, in order: the first started the rollback
 * @param failedStep the step whose failure started the rollback, or null
 * @param compensated steps compensated, in the order their compensation finished
 */
public record RunRecord(String runId, PlanRef ref, String planName, String target, RunStatus status,
                        long startedAt, long endedAt, List<StepRecord> steps, List<FailureRecord> failures,
                        String failedStep, List<String> compensated) {
    public RunRecord {
        steps = List.copyOf(steps);
        failures = List.copyOf(failures);
        compensated = List.copyOf(compensated);
    }

    /** The step record of this name. @throws IllegalArgumentException for an unknown name */
    public StepRecord step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step '" + name + "' in run " + runId));
    }

    /** This record as a Backstep {@link RunResult}. */
    public RunResult toRunResult() {
        List<StepOutcome> outcomes = new ArrayList<>();
        for (StepRecord s : steps) {
            outcomes.add(new StepOutcome(s.name(), s.kind(), s.status(), instant(s.startedAt()),
                    instant(s.endedAt()), s.attempts(),
                    Optional.ofNullable(s.error()).map(RemoteStepException::new),
                    instant(s.compensationStartedAt()), instant(s.compensationEndedAt()),
                    Optional.ofNullable(s.compensationError()).map(RemoteStepException::new),
                    Optional.ofNullable(s.note()), Optional.ofNullable(s.summary()), s.recorded()));
        }
        Optional<RunFailedException> failure = Optional.empty();
        if (!failures.isEmpty()) {
            List<Throwable> all = failures.stream().map(RunRecord::toThrowable).toList();
            RunFailedException f = new RunFailedException(RunId.of(runId), planName, status, all.get(0));
            all.stream().skip(1).forEach(f::addSuppressed);
            failure = Optional.of(f);
        }
        List<String> still = steps.stream().filter(s -> s.status().isApplied()).map(StepRecord::name).toList();
        return new TemporalRunResult(RunId.of(runId), planName, target, status, Instant.ofEpochMilli(startedAt),
                Instant.ofEpochMilli(endedAt), List.copyOf(outcomes), failure, Optional.ofNullable(failedStep),
                compensated, still);
    }

    private static Throwable toThrowable(FailureRecord f) {
        RemoteStepException cause = new RemoteStepException(f.message());
        return switch (f.kind()) {
            case STEP -> new StepFailedException(f.step(), f.attempts(), cause);
            case COMPENSATION -> new CompensationFailedException(f.step(), f.attempts(), cause);
            case CANCELLED -> new StepCancelledException(f.step());
            case LOCKED -> new LockUnavailableException(f.step(), null, f.message());
        };
    }

    private static Optional<Instant> instant(Long millis) {
        return Optional.ofNullable(millis).map(Instant::ofEpochMilli);
    }

    /** True when the run's status is {@link RunStatus#SUCCEEDED}. */
    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }

    /** Steps whose effect is still in place. */
    public List<String> stillApplied() {
        return steps.stream().filter(s -> s.status() == StepStatus.SUCCEEDED
                || s.status() == StepStatus.COMPENSATION_FAILED || s.status() == StepStatus.NOT_COMPENSATED
                || s.status() == StepStatus.INTERRUPTED).map(StepRecord::name).toList();
    }
}
