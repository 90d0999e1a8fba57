package dev.backstep.internal;

import dev.backstep.CompensationFailedException;
import dev.backstep.CompensationMode;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.event.RunEvent;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * Compensates the applied steps of a run in reverse stage order (a stage's members together),
 * never past a pivot, continuing after a failed compensation so that every failure is known.
 * Used by live rollbacks, rollbacks of finished runs and recovery.
 *
 * <p>An interrupt stops it: the compensations under way are stopped and waited for, no further
 * stage is started, and {@link #interrupted()} tells the caller to end the run
 * {@code INTERRUPTED} (recover() finishes it) and to set the thread's interrupt flag again once
 * the run is journaled and its lock released. Until then the flag stays cleared, so that the
 * journal and the lock (interruptible file channels) keep working.
 */
final class Compensator {
    /** How a step is undone: what the plan or the registry gives, not what the journal says. */
    record Undo(dev.backstep.StepPolicy policy, dev.backstep.Compensation compensation) {
    }

    /** A step to compensate. */
    private record Pending(String name, int stage, Undo undo) {
    }

    private final RunInfo run;
    private final RunJournal journal;
    private final Listeners listeners;
    private final ExecutorService pool;
    private final CompensationMode mode;
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean interrupted;
    private LockGuard guard = LockGuard.NONE;
    private java.util.Map<String, String> keep = java.util.Map.of();

    Compensator(RunInfo run, RunJournal journal, Listeners listeners, ExecutorService pool, CompensationMode mode) {
        this.run = run;
        this.journal = journal;
        this.listeners = listeners;
        this.pool = pool;
        this.mode = mode;
    }

    /** Checks {@code g} before each stage's compensations: a lost lock stops them, as an interrupt does. */
    Compensator guardedBy(LockGuard g) {
        this.guard = g;
        return this;
    }

    /** Leaves these steps uncompensated, journaling why (e.g. a data restore the caller skipped). */
    Compensator keeping(java.util.Map<String, String> reasons) {
        this.keep = java.util.Map.copyOf(reasons);
        return this;
    }

    /** True when an interrupt stopped the compensation: steps may still be applied. */
    boolean interrupted() {
        return interrupted;
    }

    /** Step names in the order their compensation finished successfully. */
    List<String> compensatedOrder() {
        return List.copyOf(order);
    }

    /**
     * Compensates the steps the run's state ({@link RunJournal#state()}) says need it
     * ({@link RunState.Step#needsCompensation()}).
     *
     * @param undo how each step of the run is undone, in the order to consider them (plan order)
     * @param pivotStage the stage of the last kept pivot, or -1
     * @param reason why the rollback happens (journaled, shown to listeners)
     * @return the compensation failures, in the order they happened
     */
    List<Throwable> compensate(java.util.Map<String, Undo> undo, int pivotStage, String reason) {
        journal.append(JournalRecord.Type.ROLLBACK_STARTED, null, Keys.REASON, reason);
        listeners.emit(new RunEvent.RollbackStarted(run.runId(), run.clock().instant(), reason));
        EvidenceCapture.capture(run); // before any compensation changes what an incident review needs
        RunState state = journal.state();
        List<RunState.Step> steps = new ArrayList<>();
        for (String name : undo.keySet()) {
            state.step(name).ifPresent(steps::add);
        }
        String pivotName = steps.stream().filter(s -> s.stage() == pivotStage && s.kind() == StepKind.PIVOT)
                .map(RunState.Step::name).findFirst().orElse(null);

        TreeMap<Integer, List<Pending>> byStage = new TreeMap<>(Collections.reverseOrder());
        for (RunState.Step s : steps) {
            if (!s.needsCompensation()) {
                continue;
            }
            Undo u = undo.get(s.name());
            if (s.stage() <= pivotStage) {
                skip(s.name(), "kept: at or before pivot '" + pivotName + "' (point of no return)");
            } else if (u.compensation().irreversibleReason().isPresent()) {
                skip(s.name(), "irreversible: " + u.compensation().irreversibleReason().get());
            } else if (keep.containsKey(s.name())) {
                skip(s.name(), keep.get(s.name()));
            } else {
                byStage.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(new Pending(s.name(), s.stage(), u));
            }
        }
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<List<Pending>> groups = new ArrayList<>();
        if (mode == CompensationMode.PARALLEL) {
            List<Pending> all = new ArrayList<>();
            byStage.values().forEach(all::addAll);
            groups.add(all);
        } else {
            groups.addAll(byStage.values());
        }
        for (List<Pending> group : groups) {
            if (group.isEmpty()) {
                continue;
            }
            if (Thread.interrupted() || interrupted) {
                interrupted = true;
                failures.add(new StepCancelledException(group.get(0).name()));
                break;
            }
            java.util.Optional<dev.backstep.LockLostException> lost =
                    guard.lost("before compensating '" + group.get(0).name() + "'");
            if (lost.isPresent()) {
                interrupted = true;
                failures.add(lost.get());
                break;
            }
            together(group, failures);
        }
        return List.copyOf(failures);
    }

    private void skip(String step, String why) {
        journal.append(JournalRecord.Type.COMPENSATION_SKIPPED, step, Keys.REASON, why);
        listeners.emit(new RunEvent.CompensationSkipped(run.runId(), run.clock().instant(), step, why));
    }

    private void together(List<Pending> group, List<Throwable> failures) {
        if (group.size() == 1) {
            one(group.get(0), failures);
            return;
        }
        // one force before the group instead of one per member start: it makes the failure and
        // the earlier stages' outcomes durable before any member changes anything; a member's
        // own start record changes nothing on replay (the step stays applied until it succeeds)
        journal.sync();
        List<Attempts.Task<Void>> tasks = new ArrayList<>();
        for (Pending s : group) {
            tasks.add(new Attempts.Task<>(pool, () -> {
                one(s, failures, true);
                return null;
            }));
        }
        for (int i = 0; i < tasks.size(); i++) {
            try {
                tasks.get(i).future().get();
            } catch (InterruptedException e) {
                interrupted = true;
                // stop the others and wait for them: each journals how far it got
                tasks.forEach(Attempts.Task::stop);
                tasks.forEach(t -> t.awaitEnd("a compensation of the group of '" + group.get(0).name() + "'"));
                Thread.interrupted(); // kept for the caller, which sets it again after the lock
                if (failures.stream().noneMatch(StepCancelledException.class::isInstance)) {
                    failures.add(new StepCancelledException(group.get(i).name()));
                }
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(new CompensationFailedException(group.get(i).name(), 1, Errors.unwrap(e)));
            }
        }
    }

    /** Compensates one step; adds its failure (or its cancellation) to {@code failures}. */
    private void one(Pending p, List<Throwable> failures) {
        one(p, failures, false);
    }

    /** @param grouped in a parallel group, after {@link RunJournal#sync}: its start record is lazy */
    private void one(Pending p, List<Throwable> failures, boolean grouped) {
        String s = p.name();
        Hooks hooks = new Hooks(s, grouped);
        try {
            int attempts = Attempts.run(s, p.undo().policy().compensationRetry(),
                    p.undo().policy().compensationTimeout(), pool, p.undo().compensation()::compensate, hooks);
            journal.append(JournalRecord.Type.COMPENSATION_SUCCEEDED, s, Keys.ATTEMPTS, Integer.toString(attempts));
            order.add(s);
        } catch (Throwable t) {
            Throwable cause = Errors.unwrap(t);
            if (Thread.interrupted() || cause instanceof InterruptedException) {
                // stopped, not failed: the step stays applied and recover() compensates it again
                interrupted = true;
                journal.append(JournalRecord.Type.COMPENSATION_FAILED, s, Keys.ERROR, "interrupted",
                        Keys.ERROR_TYPE, InterruptedException.class.getName(), Keys.INTERRUPTED, "true");
                failures.add(new StepCancelledException(s));
                return;
            }
            // a secret of any step of the run is masked in what the failure shows
            CompensationFailedException f = new CompensationFailedException(s, hooks.lastAttempt,
                    run.secrets().scrub(cause));
            journal.compensationFailed(s, f);
            journal.append(JournalRecord.Type.COMPENSATION_FAILED, s, Keys.ERROR, Errors.message(cause),
                    Keys.ERROR_TYPE, cause.getClass().getName());
            failures.add(f);
        }
    }

    private final class Hooks implements Attempts.Hooks {
        private final String s;
        private final boolean grouped;
        private volatile int lastAttempt;

        Hooks(String s, boolean grouped) {
            this.s = s;
            this.grouped = grouped;
        }

        @Override
        public DefaultStepContext contextFor(int attempt) {
            return new DefaultStepContext(run, s, StepContext.Phase.COMPENSATE, attempt, journal, java.util.Map.of());
        }

        @Override
        public void started(int attempt) {
            lastAttempt = attempt;
            if (grouped) {
                journal.appendLazily(JournalRecord.Type.COMPENSATION_STARTED, s, Keys.ATTEMPT, Integer.toString(attempt));
            } else {
                journal.append(JournalRecord.Type.COMPENSATION_STARTED, s, Keys.ATTEMPT, Integer.toString(attempt));
            }
            listeners.emit(new RunEvent.CompensationStarted(run.runId(), run.clock().instant(), s, attempt));
        }

        @Override
        public void ended(int attempt, Duration took, Throwable error) {
            listeners.emit(new RunEvent.CompensationFinished(run.runId(), run.clock().instant(), s, attempt, took,
                    java.util.Optional.ofNullable(error)));
        }

        @Override
        public void retrying(int failedAttempt, Duration delay, Throwable error) {
            listeners.emit(new RunEvent.StepRetrying(run.runId(), run.clock().instant(), s, true, failedAttempt,
                    delay, error));
        }
    }
}
