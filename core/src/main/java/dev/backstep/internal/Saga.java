package dev.backstep.internal;

import dev.backstep.CompensationMode;
import dev.backstep.Plan;
import dev.backstep.RunFailedException;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.StepFailedException;
import dev.backstep.StepOutcome;
import dev.backstep.StepStatus;
import dev.backstep.event.RunEvent;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * One live run of a plan: forward through the stages, then, on failure, compensation. What each
 * step did is the run's {@link RunState}, folded from the records the run appends
 * ({@link RunJournal#folding}): the live run and a replay of its journal cannot disagree.
 */
final class Saga {
    private final Plan plan;
    private final RunInfo run;
    private final RunJournal journal;
    private final Listeners listeners;
    private final ExecutorService pool;
    private final CompensationMode mode;
    /** The stage of each step, in plan order. */
    private final java.util.Map<String, Integer> stages = new java.util.LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private LockGuard guard = LockGuard.NONE;

    Saga(Plan plan, RunInfo run, RunJournal journal, Listeners listeners, ExecutorService pool,
         CompensationMode mode) {
        this.plan = plan;
        this.run = run;
        this.journal = journal;
        this.listeners = listeners;
        this.pool = pool;
        this.mode = mode;
        if (journal.state() == null) {
            throw new IllegalArgumentException("a live run needs a folding run journal");
        }
        int stage = 0;
        for (Plan.Stage s : plan.stages()) {
            for (Step step : s.steps()) {
                stages.put(step.name(), stage);
                steps.add(step);
            }
            stage++;
        }
    }

    /** Checks {@code g} before every step and compensation; the run stops when its lock is lost. */
    Saga guardedBy(LockGuard g) {
        this.guard = g;
        return this;
    }

    DefaultRunResult run() {
        Instant started = run.clock().instant();
        journal.append(JournalRecord.Type.RUN_STARTED, null, RunnerSupport.runStartedData(plan, run));
        listeners.emit(new RunEvent.RunStarted(run.runId(), started, plan.name(), plan.target(), stages.size()));

        List<Throwable> failures = new ArrayList<>();
        String failedStep = null;
        boolean interrupted = false;
        dev.backstep.LockLostException lockLost = null;
        for (Plan.Stage stage : plan.stages()) {
            List<Throwable> stageFailures = new ArrayList<>();
            lockLost = guard.lost("before step '" + stage.steps().get(0).name() + "'").orElse(null);
            if (lockLost != null) {
                break; // another run may hold the target now: change nothing more
            }
            try {
                forward(stage, stageFailures);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // clears the flag: the journal and the lock must still work while the run stops
            if (Thread.interrupted() || interrupted) {
                interrupted = true;
                break;
            }
            if (!stageFailures.isEmpty()) {
                failures.addAll(stageFailures);
                failedStep = stageFailures.get(0) instanceof dev.backstep.StepException se ? se.stepName()
                        : stage.steps().get(0).name();
                break;
            }
        }

        RunStatus status;
        List<String> compensated = List.of();
        RollbackHooks.Outcome hooks = RollbackHooks.Outcome.NONE;
        if (lockLost != null) {
            status = RunStatus.INTERRUPTED;
            failures.add(lockLost);
        } else if (interrupted) {
            status = RunStatus.INTERRUPTED;
            failures.add(new StepCancelledException(firstRunning().orElse(plan.name())));
        } else if (failures.isEmpty()) {
            status = RunStatus.SUCCEEDED;
        } else {
            // a pivot that succeeded is kept, also when a sibling in its parallel group failed
            int pivotStage = journal.state().pivotStage();
            Compensator c = new Compensator(run, journal, listeners, pool, mode).guardedBy(guard);
            java.util.Map<String, Compensator.Undo> undo = new java.util.LinkedHashMap<>();
            for (Step step : steps) {
                undo.put(step.name(), new Compensator.Undo(step.policy(), step.compensation()));
            }
            List<Throwable> compFailures = c.compensate(undo, pivotStage,
                    "step '" + failedStep + "' failed: " + Errors.message(failures.get(0).getCause()));
            failures.addAll(compFailures);
            compensated = c.compensatedOrder();
            // an interrupted rollback is left to recover(), like an interrupted forward run
            status = journal.state().rollbackStatus(c.interrupted(), !compFailures.isEmpty());
            if (!c.interrupted()) {
                hooks = RollbackHooks.run(RollbackHooks.fromPlan(plan), run, journal, listeners, pool);
                failures.addAll(hooks.failures());
                status = hooks.status(status);
            }
        }
        return finish(started, status, failures, failedStep, compensated).withRollbackSteps(hooks.outcomes());
    }

    private Optional<String> firstRunning() {
        RunState state = journal.state();
        return stages.keySet().stream().filter(n -> state.step(n).map(s -> s.status() == StepStatus.INTERRUPTED)
                .orElse(false)).findFirst();
    }

    private void forward(Plan.Stage stage, List<Throwable> failures) throws InterruptedException {
        if (!stage.parallel()) {
            one(stage.steps().get(0)).ifPresent(failures::add);
            return;
        }
        List<Attempts.Task<Optional<Throwable>>> tasks = new ArrayList<>();
        for (Step step : stage.steps()) {
            tasks.add(new Attempts.Task<>(pool, () -> one(step)));
        }
        InterruptedException interrupted = null;
        for (Attempts.Task<Optional<Throwable>> t : tasks) {
            try {
                // siblings are left to finish: their effects must be known before compensating
                t.future().get().ifPresent(failures::add);
            } catch (InterruptedException e) {
                interrupted = e;
                // stop the members and wait for them: none may still run once the run has ended
                tasks.forEach(Attempts.Task::stop);
                tasks.forEach(x -> x.awaitEnd("a step of the parallel group of '" + stage.steps().get(0).name() + "'"));
                break;
            } catch (ExecutionException e) {
                Throwable cause = Errors.unwrap(e);
                if (cause instanceof InterruptedException ie) {
                    interrupted = ie;
                } else {
                    failures.add(cause);
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    /** Runs one step with its policy; returns its failure, if any. */
    private Optional<Throwable> one(Step step) throws InterruptedException {
        Hooks hooks = new Hooks(step);
        int attempts;
        try {
            attempts = Attempts.run(step.name(), step.policy().retry(), step.policy().timeout(), pool,
                    step::execute, hooks);
        } catch (Throwable t) {
            Throwable cause = Errors.unwrap(t);
            if (Thread.interrupted() || cause instanceof InterruptedException) {
                // the run is being stopped: leave the step as INTERRUPTED, recover() finishes it.
                // The flag stays cleared so that the journal's file channel is not closed by it;
                // DefaultRunner sets it again once the run is journaled and its lock released.
                journal.append(JournalRecord.Type.STEP_FAILED, step.name(), Keys.ERROR, "interrupted",
                        Keys.ERROR_TYPE, InterruptedException.class.getName(), Keys.INTERRUPTED, "true");
                throw new InterruptedException("step '" + step.name() + "' interrupted");
            }
            // a secret of any step of the run is masked in what the failure shows
            StepFailedException f = new StepFailedException(step.name(), hooks.lastAttempt, run.secrets().scrub(cause));
            // undo data recorded, then thrown: the action may have half-changed its target, so its
            // outcome is unknown and it is compensated like a step cut off by its timeout
            boolean recordedSome = journal.step(step.name()).map(s -> !s.recorded().isEmpty()).orElse(false);
            boolean unknown = Errors.outcomeUnknown(cause)
                    || (recordedSome && !Errors.commandExitedNonZero(step.type(), cause));
            journal.failed(step.name(), f);
            journal.append(JournalRecord.Type.STEP_FAILED, step.name(), Keys.ERROR, Errors.message(cause),
                    Keys.ERROR_TYPE, cause.getClass().getName(), Keys.ATTEMPTS, Integer.toString(hooks.lastAttempt),
                    Keys.OUTCOME, unknown ? "unknown" : null);
            return Optional.of(f);
        }
        try {
            journal.append(JournalRecord.Type.STEP_SUCCEEDED, step.name(), Keys.ATTEMPTS, Integer.toString(attempts));
        } catch (RuntimeException e) {
            // the action did its work: the step stays applied, so the rollback compensates it
            return Optional.of(new StepFailedException(step.name(), attempts, e));
        }
        return Optional.empty();
    }

    private DefaultRunResult finish(Instant started, RunStatus status, List<Throwable> failures, String failedStep,
                             List<String> compensated) {
        Instant ended = run.clock().instant();
        Optional<RunFailedException> failure = Optional.empty();
        if (!failures.isEmpty()) {
            RunFailedException f = new RunFailedException(run.runId(), plan.name(), status, failures.get(0));
            failures.stream().skip(1).forEach(f::addSuppressed);
            failure = Optional.of(f);
        }
        journal.append(JournalRecord.Type.RUN_FINISHED, null, Keys.STATUS, status.name());
        listeners.emit(new RunEvent.RunFinished(run.runId(), ended, plan.name(), status,
                Duration.between(started, ended), failure.map(x -> (Throwable) x)));
        List<StepOutcome> outcomes = steps.stream().map(s -> journal.outcome(s.name(), s.kind())).toList();
        return new DefaultRunResult(run.runId(), plan.name(), plan.target(), status, started, ended, outcomes, failure,
                Optional.ofNullable(failedStep), compensated, journal.state().stillApplied(outcomes));
    }

    private final class Hooks implements Attempts.Hooks {
        private final Step step;
        private volatile int lastAttempt = 1;

        Hooks(Step step) {
            this.step = step;
        }

        @Override
        public DefaultStepContext contextFor(int attempt) {
            return new DefaultStepContext(run, step.name(), StepContext.Phase.FORWARD, attempt, journal, java.util.Map.of());
        }

        @Override
        public void started(int attempt) {
            lastAttempt = attempt;
            Instant now = run.clock().instant();
            journal.append(JournalRecord.Type.STEP_STARTED, step.name(), Keys.KIND, step.kind().name(),
                    Keys.TYPE, step.type(), Keys.STAGE, Integer.toString(stages.get(step.name())), Keys.ATTEMPT, Integer.toString(attempt),
                    Keys.HOST_INDEPENDENT, step.hostIndependent() ? "true" : null);
            listeners.emit(new RunEvent.StepStarted(run.runId(), now, step.name(), step.kind(), attempt));
        }

        @Override
        public void ended(int attempt, Duration took, Throwable error) {
            listeners.emit(new RunEvent.StepFinished(run.runId(), run.clock().instant(), step.name(), step.kind(),
                    attempt, took, Optional.ofNullable(error)));
        }

        @Override
        public void retrying(int failedAttempt, Duration delay, Throwable error) {
            journal.append(JournalRecord.Type.STEP_FAILED, step.name(), Keys.ERROR, Errors.message(error),
                    Keys.ERROR_TYPE, error.getClass().getName(), Keys.ATTEMPT, Integer.toString(failedAttempt),
                    Keys.RETRYING, "true");
            listeners.emit(new RunEvent.StepRetrying(run.runId(), run.clock().instant(), step.name(), false,
                    failedAttempt, delay, error));
        }
    }
}
