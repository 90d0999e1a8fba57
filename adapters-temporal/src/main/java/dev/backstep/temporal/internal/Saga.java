package dev.backstep.temporal.internal;

import dev.backstep.CompensationMode;
import dev.backstep.RunStatus;
import dev.backstep.StepKind;
import dev.backstep.StepStatus;
import dev.backstep.temporal.FailureRecord;
import dev.backstep.temporal.PlanRef;
import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.StepRecord;
import dev.backstep.temporal.internal.Shapes.PlanShape;
import dev.backstep.temporal.internal.Shapes.Retry;
import dev.backstep.temporal.internal.Shapes.Settings;
import dev.backstep.temporal.internal.Shapes.StageShape;
import dev.backstep.temporal.internal.Shapes.StepCall;
import dev.backstep.temporal.internal.Shapes.StepDone;
import dev.backstep.temporal.internal.Shapes.StepFailure;
import dev.backstep.temporal.internal.Shapes.StepShape;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Backstep's saga as deterministic workflow code: stages in order (a parallel group's members
 * concurrently), each attempt an activity on the host's task queue, the step's retry policy as
 * durable timers between attempts; on failure, {@link #compensate} in reverse order. Every
 * rollback, of a failed run or of a finished one, goes through {@link #compensate}. Not API.
 */
final class Saga {
    private final String runId;
    private final PlanRef ref;
    private final Settings settings;
    private final Map<String, StepRecord> records = new LinkedHashMap<>();
    private final List<FailureRecord> failures = new ArrayList<>();
    private final List<String> compensatedOrder = new ArrayList<>();
    private PlanShape shape;

    Saga(String runId, PlanRef ref, Settings settings) {
        this.runId = runId;
        this.ref = ref;
        this.settings = settings;
    }

    /** Runs the plan forward, and rolls it back if a step or verification fails. */
    RunRecord run() {
        long started = Workflow.currentTimeMillis();
        describe();
        try {
            return runLocked(started);
        } finally {
            release();
        }
    }

    private RunRecord runLocked(long started) {
        if (shape.lockedBy() != null) {
            failures.add(locked());
            return finish(started, RunStatus.ROLLED_BACK, null);
        }
        if (shape.invalid() != null) {
            failures.add(new FailureRecord(FailureRecord.Kind.STEP, shape.invalidStep(), 0,
                    "validation failed: " + shape.invalid()));
            return finish(started, RunStatus.ROLLED_BACK, shape.invalidStep());
        }
        String failedStep = null;
        int pivotStage = -1;
        for (StageShape stage : shape.stages()) {
            List<FailureRecord> stageFailures = new ArrayList<>();
            if (stage.parallel()) {
                List<Promise<FailureRecord>> ps = new ArrayList<>();
                for (StepShape s : stage.steps()) {
                    ps.add(Async.function(() -> forward(s)));
                }
                // siblings are left to finish: their effects must be known before compensating
                for (Promise<FailureRecord> p : ps) {
                    FailureRecord f = p.get();
                    if (f != null) {
                        stageFailures.add(f);
                    }
                }
            } else {
                FailureRecord f = forward(stage.steps().get(0));
                if (f != null) {
                    stageFailures.add(f);
                }
            }
            for (StepShape s : stage.steps()) {
                // a pivot that succeeded is kept, also when a sibling in its parallel group failed
                if (s.kind() == StepKind.PIVOT && records.get(s.name()).status() == StepStatus.SUCCEEDED) {
                    pivotStage = s.stage();
                }
            }
            if (!stageFailures.isEmpty()) {
                failures.addAll(stageFailures);
                failedStep = stageFailures.get(0).step();
                break;
            }
        }
        if (failedStep == null) {
            return finish(started, RunStatus.SUCCEEDED, null);
        }
        int pivot = pivotStage;
        List<FailureRecord> compFailures = new ArrayList<>();
        // a cancelled run is rolled back too: the rollback must not be cancelled with it
        Workflow.newDetachedCancellationScope(() -> compFailures.addAll(compensate(pivot))).run();
        RunStatus status = !compFailures.isEmpty() ? RunStatus.ROLLBACK_FAILED
                : pivotStage >= 0 ? RunStatus.FAILED_AFTER_PIVOT : RunStatus.ROLLED_BACK;
        return finish(started, status, failedStep);
    }

    /** Rolls back a finished run from its record: every step still applied, newest first. */
    RunRecord rollback(RunRecord previous) {
        long started = Workflow.currentTimeMillis();
        describe();
        try {
            return rollbackLocked(previous, started);
        } finally {
            release();
        }
    }

    private RunRecord rollbackLocked(RunRecord previous, long started) {
        previous.steps().forEach(s -> records.put(s.name(), s));
        if (shape.lockedBy() != null) {
            // another run has the target now: nothing was undone, the steps are still applied
            failures.add(locked());
            return finish(started, RunStatus.ROLLBACK_FAILED, previous.failedStep());
        }
        int pivotStage = previous.steps().stream()
                .filter(s -> s.kind() == StepKind.PIVOT && s.status() == StepStatus.SUCCEEDED)
                .mapToInt(StepRecord::stage).max().orElse(-1);
        List<FailureRecord> compFailures = new ArrayList<>();
        // a rollback that started runs to its end, also when its workflow is cancelled
        Workflow.newDetachedCancellationScope(() -> compFailures.addAll(compensate(pivotStage))).run();
        boolean pivotKept = pivotStage >= 0 && records.values().stream()
                .anyMatch(s -> s.stage() <= pivotStage && s.status() == StepStatus.NOT_COMPENSATED);
        RunStatus status = !compFailures.isEmpty() ? RunStatus.ROLLBACK_FAILED
                : pivotKept ? RunStatus.FAILED_AFTER_PIVOT : RunStatus.ROLLED_BACK;
        return finish(started, status, previous.failedStep());
    }

    private FailureRecord locked() {
        return new FailureRecord(FailureRecord.Kind.LOCKED, shape.target(), 0, "target '" + shape.target()
                + "' on host '" + ref.host() + "' is locked by run " + shape.lockedBy() + ", still running");
    }

    /** Releases the target's lock on the host if this workflow took it. */
    private void release() {
        if (shape == null || shape.lockedBy() != null || shape.stages().isEmpty()) {
            return;
        }
        Workflow.newDetachedCancellationScope(() -> {
            try {
                activities(null, Duration.ofMinutes(1)).release(ref, shape.target());
            } catch (ActivityFailure af) {
                // a lock left behind is taken over once this workflow has closed
                Workflow.getLogger(Saga.class).warn("run {} could not release target {}: {}", runId,
                        shape.target(), failed(af).message);
            }
        }).run();
    }

    private void describe() {
        try {
            shape = activities(null, Duration.ofMinutes(1)).describe(ref, runId);
        } catch (ActivityFailure af) {
            shape = new PlanShape(ref.plan(), ref.host(), List.of(), ref.plan(),
                    "the plan could not be built on host '" + ref.host() + "': " + failed(af).message, null);
        } catch (CanceledFailure c) {
            shape = new PlanShape(ref.plan(), ref.host(), List.of(), ref.plan(), "the run was cancelled", null);
        }
        for (StepShape s : shape.steps()) {
            records.put(s.name(), new StepRecord(s.name(), s.kind(), s.type(), s.stage(), StepStatus.NOT_RUN, null, null, 0,
                    null, false, null, null, null, null, null, Map.of()));
        }
    }

    /** Runs one step with its retry policy; returns its failure, or null. */
    private FailureRecord forward(StepShape s) {
        Map<String, String> recorded = new LinkedHashMap<>();
        Retry retry = s.retry();
        StepActivities act = activities(s.timeoutMs(), null);
        Long startedAt = null;
        for (int attempt = 1; ; attempt++) {
            if (attempt == 1 && CancellationScope.current().isCancelRequested()) {
                // cancelled before this step started: nothing of it is applied
                return new FailureRecord(FailureRecord.Kind.CANCELLED, s.name(), 0, "the run was cancelled");
            }
            long t0 = Workflow.currentTimeMillis();
            if (startedAt == null) {
                startedAt = t0;
            }
            put(s, StepStatus.INTERRUPTED, startedAt, null, attempt, null, false, recorded, null);
            try {
                StepDone done = act.execute(new StepCall(ref, runId, s.name(), attempt, recorded));
                done.recorded().forEach(recorded::putIfAbsent);
                put(s, StepStatus.SUCCEEDED, startedAt, Workflow.currentTimeMillis(), attempt, null, false,
                        recorded, done.summary());
                return null;
            } catch (ActivityFailure af) {
                Failed f = failed(af);
                f.recorded.forEach(recorded::putIfAbsent);
                if (f.cancelled) {
                    return cancelled(s, startedAt, attempt, recorded);
                }
                if (attempt < retry.maxAttempts() && !f.config) {
                    try {
                        Workflow.sleep(retry.delayAfter(attempt));
                    } catch (CanceledFailure c) {
                        put(s, StepStatus.FAILED, startedAt, Workflow.currentTimeMillis(), attempt, f.message,
                                f.outcomeUnknown, recorded, null);
                        return new FailureRecord(FailureRecord.Kind.CANCELLED, s.name(), attempt, "cancelled");
                    }
                    continue;
                }
                put(s, StepStatus.FAILED, startedAt, Workflow.currentTimeMillis(), attempt, f.message,
                        f.outcomeUnknown, recorded, null);
                return new FailureRecord(FailureRecord.Kind.STEP, s.name(), attempt, f.message);
            } catch (CanceledFailure c) {
                return cancelled(s, startedAt, attempt, recorded);
            }
        }
    }

    /**
     * The one way a run is undone: compensates every step that is (or may be) applied, newest
     * stage first (all at once in {@link CompensationMode#PARALLEL}), keeping steps at or before
     * the last succeeded pivot and irreversible steps. Returns the compensation failures.
     */
    private List<FailureRecord> compensate(int pivotStage) {
        String pivotName = records.values().stream().filter(s -> s.stage() == pivotStage && s.kind() == StepKind.PIVOT)
                .map(StepRecord::name).findFirst().orElse(null);
        Map<String, StepShape> shapes = new LinkedHashMap<>();
        shape.steps().forEach(s -> shapes.put(s.name(), s));
        TreeMap<Integer, List<StepShape>> byStage = new TreeMap<>(Collections.reverseOrder());
        for (StepRecord r : List.copyOf(records.values())) {
            StepShape s = shapes.get(r.name());
            if (!r.mayBeApplied() || r.kind() == StepKind.VERIFICATION) {
                continue;
            }
            if (r.stage() <= pivotStage) {
                keep(r, "kept: at or before pivot '" + pivotName + "' (point of no return)");
            } else if (s == null) {
                keep(r, "kept: the plan no longer has this step");
            } else if (s.irreversible() != null) {
                keep(r, "irreversible: " + s.irreversible());
            } else {
                byStage.computeIfAbsent(r.stage(), k -> new ArrayList<>()).add(s);
            }
        }
        List<List<StepShape>> groups = new ArrayList<>();
        if (settings.compensation() == CompensationMode.PARALLEL) {
            List<StepShape> all = new ArrayList<>();
            byStage.values().forEach(all::addAll);
            groups.add(all);
        } else {
            groups.addAll(byStage.values());
        }
        List<FailureRecord> compFailures = new ArrayList<>();
        for (List<StepShape> group : groups) {
            List<Promise<FailureRecord>> ps = new ArrayList<>();
            for (StepShape s : group) {
                ps.add(Async.function(() -> compensateOne(s)));
            }
            for (Promise<FailureRecord> p : ps) {
                FailureRecord f = p.get();
                if (f != null) {
                    compFailures.add(f);
                }
            }
        }
        failures.addAll(compFailures);
        return compFailures;
    }

    /** The run was cancelled while this step ran: it may be partly applied, so it is compensated. */
    private FailureRecord cancelled(StepShape s, long startedAt, int attempt, Map<String, String> recorded) {
        put(s, StepStatus.FAILED, startedAt, Workflow.currentTimeMillis(), attempt, "cancelled", true, recorded,
                null);
        return new FailureRecord(FailureRecord.Kind.CANCELLED, s.name(), attempt, "the run was cancelled");
    }

    private FailureRecord compensateOne(StepShape s) {
        StepRecord r = records.get(s.name());
        Retry retry = s.compensationRetry();
        StepActivities act = activities(s.compensationTimeoutMs(), null);
        long started = Workflow.currentTimeMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                act.compensate(new StepCall(ref, runId, s.name(), attempt, r.recorded()));
                records.put(s.name(), compensation(r, StepStatus.COMPENSATED, started, null));
                compensatedOrder.add(s.name());
                return null;
            } catch (ActivityFailure af) {
                Failed f = failed(af);
                if (attempt < retry.maxAttempts() && !f.config) {
                    Workflow.sleep(retry.delayAfter(attempt));
                    continue;
                }
                records.put(s.name(), compensation(r, StepStatus.COMPENSATION_FAILED, started, f.message));
                return new FailureRecord(FailureRecord.Kind.COMPENSATION, s.name(), attempt, f.message);
            }
        }
    }

    private StepRecord compensation(StepRecord r, StepStatus status, long started, String error) {
        return new StepRecord(r.name(), r.kind(), r.type(), r.stage(), status, r.startedAt(), r.endedAt(), r.attempts(),
                r.error(), r.outcomeUnknown(), started, Workflow.currentTimeMillis(), error, r.note(), r.summary(),
                r.recorded());
    }

    private void keep(StepRecord r, String why) {
        records.put(r.name(), new StepRecord(r.name(), r.kind(), r.type(), r.stage(), StepStatus.NOT_COMPENSATED,
                r.startedAt(), r.endedAt(), r.attempts(), r.error(), r.outcomeUnknown(), null, null, null, why,
                r.summary(), r.recorded()));
    }

    private void put(StepShape s, StepStatus status, Long startedAt, Long endedAt, int attempts, String error,
                     boolean unknown, Map<String, String> recorded, String summary) {
        records.put(s.name(), new StepRecord(s.name(), s.kind(), s.type(), s.stage(), status, startedAt, endedAt, attempts,
                error, unknown, null, null, null, null, summary, recorded));
    }

    private RunRecord finish(long started, RunStatus status, String failedStep) {
        return new RunRecord(runId, ref, shape.planName(), shape.target(), status, started,
                Workflow.currentTimeMillis(), List.copyOf(records.values()), failures, failedStep, compensatedOrder);
    }

    /**
     * Copies a finished run (and its rollback) into the control worker's journal, if it has one.
     * The run is over either way: a journal that stays unreachable is logged, not fatal.
     */
    void mirror(RunRecord run, RunRecord rollback) {
        JournalActivities j = Workflow.newActivityStub(JournalActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(dev.backstep.temporal.BackstepWorkers.CONTROL_QUEUE)
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setScheduleToCloseTimeout(Duration.ofMillis(settings.hostLostAfterMs()))
                .build());
        try {
            Workflow.newDetachedCancellationScope(() -> j.mirror(run, rollback)).run();
        } catch (ActivityFailure af) {
            Workflow.getLogger(Saga.class).warn("run {} could not be copied to the journal: {}", runId,
                    failed(af).message);
        }
    }

    /** A failed attempt as the workflow sees it. */
    private record Failed(String message, boolean outcomeUnknown, boolean config, boolean cancelled,
                          Map<String, String> recorded) {
    }

    private static Failed failed(ActivityFailure af) {
        Throwable c = af.getCause();
        if (c instanceof ApplicationFailure app) {
            StepFailure details = null;
            if (app.getDetails() != null && app.getDetails().getSize() > 0) {
                details = app.getDetails().get(StepFailure.class);
            }
            return new Failed(app.getOriginalMessage(), details != null && details.outcomeUnknown(),
                    StepActivitiesImpl.CONFIG.equals(app.getType()), false,
                    details == null ? Map.of() : details.recorded());
        }
        if (c instanceof TimeoutFailure t) {
            // the host's worker did not answer within hostLostAfter: the step may be partly applied
            return new Failed("no answer from the host's worker: " + t.getTimeoutType(), true, false, false,
                    Map.of());
        }
        if (c instanceof CanceledFailure) {
            return new Failed("cancelled", true, false, true, Map.of());
        }
        return new Failed(String.valueOf(c), true, false, false, Map.of());
    }

    /**
     * Activities on the host's task queue. A lost worker (no heartbeat) is retried by Temporal
     * without counting as an attempt of the step, until {@code hostLostAfter}.
     */
    private StepActivities activities(Long timeoutMs, Duration startToClose) {
        Duration hb = Duration.ofMillis(settings.heartbeatMs());
        Duration perAttempt = startToClose != null ? startToClose
                : Duration.ofMillis(timeoutMs != null ? timeoutMs : settings.defaultStepTimeoutMs()).plus(hb.multipliedBy(2));
        return Workflow.newActivityStub(StepActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(ref.taskQueue())
                .setStartToCloseTimeout(perAttempt)
                .setHeartbeatTimeout(startToClose != null ? null : hb)
                .setScheduleToCloseTimeout(Duration.ofMillis(settings.hostLostAfterMs()).plus(perAttempt))
                // on cancel, wait until the host stopped the action: it is compensated afterwards
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(Math.min(1000, settings.heartbeatMs())))
                        .setBackoffCoefficient(2.0)
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setMaximumAttempts(0)
                        .build())
                .build());
    }
}
