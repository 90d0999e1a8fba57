package dev.backstep.internal;

import dev.backstep.Compensation;
import dev.backstep.CompensationMode;
import dev.backstep.NothingToRollBackException;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunFailedException;
import dev.backstep.RunId;
import dev.backstep.RunNotFoundException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepPolicy;
import dev.backstep.event.RunEvent;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import dev.backstep.spi.Lock;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/** Everything the runner does from the journal alone: history, rollback of past runs, recovery. */
final class JournalRollbacks {
    private final Journal journal;
    private final Listeners listeners;
    private final CompensationMode mode;
    private final CommandRunner commands;
    private final Path stateDir;
    private final Clock clock;
    private final ExecutorService pool;
    private final Lock lock;
    private final StepRegistry registry;
    private final Map<String, Plan> knownPlans;
    private final Map<RunId, Plan> ranPlans;
    private final Duration lockWait;

    private final StepPolicy registryPolicy;
    private String host = Hosts.localName();

    JournalRollbacks(Journal journal, Listeners listeners, CompensationMode mode, CommandRunner commands, Path stateDir,
                     Clock clock, ExecutorService pool, Lock lock, StepRegistry registry, Map<String, Plan> knownPlans,
                     Map<RunId, Plan> ranPlans, Duration lockWait, StepPolicy registryPolicy) {
        this.registryPolicy = registryPolicy;
        this.ranPlans = ranPlans;
        this.lockWait = lockWait;
        this.journal = journal;
        this.listeners = listeners;
        this.mode = mode;
        this.commands = commands;
        this.stateDir = stateDir;
        this.clock = clock;
        this.pool = pool;
        this.lock = lock;
        this.registry = registry;
        this.knownPlans = knownPlans;
    }

    /** The host this runner acts on: runs of other hosts with host-local steps applied are refused. */
    JournalRollbacks onHost(String name) {
        this.host = name;
        return this;
    }

    RunState replay(RunId id) {
        List<JournalRecord> records = journal.read(id);
        if (records.isEmpty()) {
            throw new RunNotFoundException(id);
        }
        return RunState.fold(id, records, journal);
    }

    /**
     * The run, or empty when its journal holds no record: its process died while writing the
     * first one (a torn line is all there is), so none of its steps started.
     */
    private Optional<RunState> replayIfAny(RunId id) {
        List<JournalRecord> records = journal.read(id);
        return records.isEmpty() ? Optional.empty() : Optional.of(RunState.fold(id, records, journal));
    }

    /** In the order the runs took the target's lock ({@link RunOrder}). */
    List<RunSummary> history(String target) {
        return RunOrder.runsOf(journal, target).stream().map(RunState::summary).toList();
    }

    /** The runs of {@code r}'s target that took its lock after {@code r} and are (or may be) still applied. */
    List<RunSummary> laterApplied(RunState r) {
        // a damaged run file is reported by recover() on its own; it must not stop judging the others
        return RunOrder.after(RunOrder.runsOf(journal, r.target, e -> { }), r).stream().map(RunState::summary)
                .filter(RunSummary::isApplied).toList();
    }

    void markGood(RunId id) {
        String target = replay(id).target;
        // under the target's lock, so that the mark cannot race a rollback appending to the same run
        try (Lock.Handle held = lock.acquire(target, id, lockWait)) {
            DefaultRunner.reportTakeOver(held);
            RunState r = replay(id);
            if (r.status != RunStatus.SUCCEEDED) {
                throw new RollbackRefusedException("run " + id + " cannot be marked good: its status is "
                        + (r.status == null ? "unfinished" : r.status));
            }
            new RunJournal(journal, id, clock, r.lastSequence + 1).append(JournalRecord.Type.RUN_MARKED_GOOD, null,
                    Map.of());
        }
    }

    Optional<RunSummary> lastGood(String target) {
        List<RunSummary> h = history(target);
        for (int i = h.size() - 1; i >= 0; i--) {
            if (h.get(i).good()) {
                return Optional.of(h.get(i));
            }
        }
        return Optional.empty();
    }

    RunResult rollback(RunId id, RollbackOption... options) {
        boolean force = Arrays.asList(options).contains(RollbackOption.FORCE);
        RunState seen = replay(id);
        resolve(checkRollback(seen, force)); // refuse early, before waiting for the lock
        DataRestoreCheck.keep(seen, clock.instant(), Arrays.asList(options));
        RunResult result;
        try (Lock.Handle held = lock.acquire(seen.target, id, lockWait)) {
            DefaultRunner.reportTakeOver(held);
            // read again under the lock: another rollback of this run may have finished meanwhile
            RunState r = checkRollback(replay(id), force);
            Map<String, Compensator.Undo> undo = resolve(r);
            precheck(r, undo, Set.copyOf(Arrays.asList(options)));
            Map<String, String> keep = DataRestoreCheck.keep(r, clock.instant(), Arrays.asList(options));
            result = compensate(r, undo, "rollback of run " + id + " requested", knownPlans, new LockGuard(held),
                    keep);
        }
        if (result.status() == RunStatus.INTERRUPTED && !LockGuard.lostLock(result)) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    private RunState checkRollback(RunState r, boolean force) {
        RunId id = r.runId;
        if (r.unfinished()) {
            throw new RollbackRefusedException("run " + id + " has not finished (it is running, or its process died): "
                    + "use recover()");
        }
        if (r.status == RunStatus.ROLLED_BACK) {
            throw new NothingToRollBackException(id, "it was rolled back already");
        }
        if (r.applied().isEmpty()) {
            throw new NothingToRollBackException(id, "none of its steps is applied");
        }
        HostAffinity.check(r, host);
        if (!force) {
            List<RunSummary> later = laterApplied(r);
            if (!later.isEmpty()) {
                throw new RollbackRefusedException("run " + id + " cannot be rolled back: later run(s) "
                        + later.stream().map(s -> s.runId().value()).toList() + " on target '" + r.target
                        + "' are still applied; roll them back first or use RollbackOption.FORCE");
            }
        }
        return r;
    }

    /**
     * Asks every compensation this rollback would run ({@link Compensation#precheck}) whether it
     * can work, before any of them runs; refuses with every reason at once.
     */
    private void precheck(RunState r, Map<String, Compensator.Undo> undo, Set<RollbackOption> options) {
        RunInfo info = runInfo(r);
        RunJournal never = new RunJournal(journal, r.runId, clock, r.lastSequence + 1); // prechecks record nothing
        int pivot = r.pivotStage();
        List<String> reasons = new ArrayList<>();
        Exception first = null;
        for (RunState.Step s : r.steps.values()) {
            Compensation c = undo.get(s.name()).compensation();
            if (!s.needsCompensation() || s.stage() <= pivot || c.irreversibleReason().isPresent()) {
                continue; // the Compensator will not run it
            }
            try {
                c.precheck(new DefaultStepContext(info, s.name(), StepContext.Phase.COMPENSATE, 0, never,
                        s.recorded()), options);
            } catch (Exception e) {
                reasons.add("step '" + s.name() + "': " + Errors.message(e));
                first = first == null ? e : first;
            }
        }
        if (!reasons.isEmpty()) {
            throw new RollbackRefusedException("run " + r.runId + " cannot be rolled back, nothing was changed: "
                    + String.join("; ", reasons), first);
        }
    }

    private RunInfo runInfo(RunState r) {
        Path runState = r.stateDir != null ? Path.of(r.stateDir) : stateDir.resolve("runs").resolve(r.runId.value());
        return new RunInfo(r.runId, r.planName, r.target, commands, runState, clock);
    }

    List<RunResult> rollbackToLastGood(String target) {
        RunSummary good = lastGood(target).orElseThrow(() -> new RollbackRefusedException(
                "no run of target '" + target + "' was marked good: there is no known good version to go back to"));
        return rollbackAfter(good, "the last good run", List.of());
    }

    List<RunResult> rollbackTo(RunId id, List<RollbackOption> options) {
        RunSummary anchor = replay(id).summary();
        if (!anchor.isApplied()) {
            throw new RollbackRefusedException("cannot go back to run " + id + " of target '" + anchor.target()
                    + "': it is not applied (its status is " + anchor.status().map(Enum::name).orElse("unfinished")
                    + "); nothing was rolled back");
        }
        return rollbackAfter(anchor, "run", options);
    }

    private List<RunResult> rollbackAfter(RunSummary good, String what, List<RollbackOption> options) {
        String target = good.target();
        RollbackOption[] opts = options.toArray(RollbackOption[]::new);
        List<RunSummary> after = laterApplied(replay(good.runId()));
        for (RunSummary s : after) {
            if (s.status().isEmpty()) {
                throw new RollbackRefusedException("run " + s.runId() + " of target '" + target
                        + "' has not finished: use recover() first");
            }
            RunState later = replay(s.runId());
            // refused up front, before any run is rolled back: stale data, or another host's run
            DataRestoreCheck.keep(later, clock.instant(), options);
            HostAffinity.check(later, host);
            List<String> pivots = later.appliedPivots();
            if (!pivots.isEmpty()) {
                throw new RollbackRefusedException("cannot go back to " + what + " " + good.runId()
                        + " of target '" + target + "': run " + s.runId() + " passed pivot(s) " + pivots
                        + ", a point of no return; nothing was rolled back");
            }
        }
        for (RunSummary s : after) {
            // every run's compensations asked before the newest is undone: never stop halfway back
            RunState r = replay(s.runId());
            precheck(r, resolve(r), Set.copyOf(options));
        }
        List<RunResult> results = new ArrayList<>();
        for (int i = after.size() - 1; i >= 0; i--) {
            RunResult res = rollback(after.get(i).runId(), opts);
            results.add(res);
            if (res.status() == RunStatus.ROLLBACK_FAILED || res.status() == RunStatus.INTERRUPTED) {
                break; // never roll back an older run while a newer one is still half applied
            }
        }
        return results;
    }

    Recovery recover(Plan... plans) {
        Map<String, Plan> extra = new java.util.HashMap<>(knownPlans);
        for (Plan p : plans) {
            extra.put(p.name(), p);
        }
        List<RunResult> recovered = new ArrayList<>();
        List<Recovery.Unrecoverable> left = new ArrayList<>();
        boolean interrupted = false;
        List<RunState> candidates = new ArrayList<>();
        for (RunId id : journal.unfinishedRuns()) {
            Optional<RunState> seen;
            try {
                seen = replayIfAny(id);
            } catch (dev.backstep.JournalCorruptedException e) {
                // reported, and no reason to leave the other runs unrecovered
                left.add(new Recovery.Unrecoverable(id, "?", "?", e.getMessage()));
                continue;
            }
            if (seen.isPresent() && seen.get().needsRecovery()) {
                candidates.add(seen.get());
            }
        }
        // newest first: a newer run of the same target is finished before an older one is judged
        candidates.sort(RunOrder.OLDEST_FIRST.reversed());
        for (RunState r : candidates) {
            RunId id = r.runId;
            try {
                HostAffinity.check(r, host);
            } catch (dev.backstep.HostAffinityException e) {
                left.add(new Recovery.Unrecoverable(id, r.planName, r.target, "left for its host '" + e.host()
                        + "': " + e.getMessage()));
                continue;
            }
            try {
                resolve(r, extra);
            } catch (RollbackRefusedException e) {
                left.add(new Recovery.Unrecoverable(id, r.planName, r.target, e.getMessage()));
                continue;
            }
            Lock.Handle held;
            try {
                held = lock.acquire(r.target, id, Duration.ZERO);
            } catch (dev.backstep.LockUnavailableException e) {
                left.add(new Recovery.Unrecoverable(id, r.planName, r.target,
                        "target is locked by a live process, the run may still be going: " + e.getMessage()));
                continue;
            }
            try (held) {
                DefaultRunner.reportTakeOver(held);
                // read again under the lock: another process may have recovered it meanwhile
                RunState now = replay(id);
                if (!now.needsRecovery()) {
                    continue;
                }
                List<RunSummary> later = laterApplied(now);
                if (!later.isEmpty()) {
                    left.add(new Recovery.Unrecoverable(id, now.planName, now.target, needsAttention(now, later)));
                    continue;
                }
                RunResult res = compensate(now, resolve(now, extra), "recovery of interrupted run " + id, extra,
                        new LockGuard(held), Map.of());
                recovered.add(res);
                if (res.status() == RunStatus.INTERRUPTED && !LockGuard.lostLock(res)) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        java.util.Collections.reverse(recovered); // oldest first, as documented
        return new Recovery(recovered, left);
    }

    /** Why an unfinished run is left alone when later runs of its target are applied. */
    static String needsAttention(RunState r, List<RunSummary> later) {
        return "needs attention: later run(s) " + later.stream().map(s -> s.runId().value()).toList()
                + " of target '" + r.target + "' took the lock after this run and are still applied; compensating"
                + " this run now could undo their changes. Roll them back first (rollback(runId)), then recover()";
    }

    /**
     * Compensates an unfinished run whose target's lock the caller holds (a run taking over a
     * dead run's target). Refuses, changing nothing, when a step of it cannot be resolved.
     */
    RunResult recoverHeld(RunState r, Map<String, Plan> plans, String reason) {
        return compensate(r, resolve(r, plans), reason, plans, LockGuard.NONE, Map.of());
    }

    private Map<String, Compensator.Undo> resolve(RunState r) {
        return resolve(r, knownPlans);
    }

    /**
     * How each step of the run is undone, in the order the steps started; refuses when a step
     * that needs compensation cannot be resolved.
     */
    private Map<String, Compensator.Undo> resolve(RunState r, Map<String, Plan> plans) {
        // the plan object that ran this run, if this runner ran it: another plan of the same
        // name may hold steps of the same name and type that touch other resources
        Plan plan = ranPlans.getOrDefault(r.runId, plans.get(r.planName));
        Map<String, Compensator.Undo> undo = new java.util.LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        for (RunState.Step s : r.steps.values()) {
            Optional<Step> fromPlan = plan == null ? Optional.empty()
                    : plan.step(s.name()).filter(p -> p.type().equals(s.type()));
            Optional<Compensation> c = fromPlan.map(Step::compensation).or(() -> Optional
                    .ofNullable(s.recorded().get(CommandCompensation.NONE)).map(Compensation::none))
                    .or(() -> registry.compensation(s.type()));
            if (c.isEmpty() && s.needsCompensation()) {
                unresolved.add("'" + s.name() + "' (type " + s.type() + ")");
            }
            StepPolicy policy = fromPlan.map(Step::policy).orElse(registryPolicy);
            undo.put(s.name(), new Compensator.Undo(policy, c.orElse(ctx -> {
                throw new IllegalStateException("no compensation for step '" + s.name() + "'");
            })));
        }
        if (!unresolved.isEmpty()) {
            throw new RollbackRefusedException("run " + r.runId + " of plan '" + r.planName
                    + "' cannot be rolled back: no compensation is known for step(s) " + String.join(", ", unresolved)
                    + "; pass the plan to the runner (Runner.Builder.plan / recover(plan)) or register the step type");
        }
        rollbackSteps(r, plans); // refuses now, before anything changes, when one cannot be resolved
        return undo;
    }

    private List<RollbackHooks.Hook> rollbackSteps(RunState r, Map<String, Plan> plans) {
        Plan plan = ranPlans.getOrDefault(r.runId, plans.get(r.planName));
        return RollbackHooks.fromJournal(r.runId, r.planName, r.runData, Optional.ofNullable(plan), registry,
                registryPolicy);
    }

    private RunResult compensate(RunState r, Map<String, Compensator.Undo> undo, String reason, Map<String, Plan> plans,
                                 LockGuard guard, Map<String, String> keep) {
        Path runState = r.stateDir != null ? Path.of(r.stateDir) : stateDir.resolve("runs").resolve(r.runId.value());
        // the secrets of the run's plan, when this runner knows it, are masked as in the live run
        Plan plan = ranPlans.getOrDefault(r.runId, plans.get(r.planName));
        RunSecrets secrets = plan == null ? RunSecrets.NONE : RunSecrets.of(plan);
        RunInfo info = new RunInfo(r.runId, r.planName, r.target, secrets.commands(commands), runState, clock, r.order,
                secrets, host);
        RunJournal rj = RunJournal.folding(secrets.journal(journal), r, clock);
        Listeners listeners = this.listeners.masking(secrets);
        Instant started = clock.instant();
        listeners.emit(new RunEvent.RunStarted(r.runId, started, r.planName, r.target, r.steps.size()));
        Compensator c = new Compensator(info, rj, listeners, pool, mode).guardedBy(guard).keeping(keep);
        int pivot = r.pivotStage();
        List<Throwable> failures = c.compensate(undo, pivot, reason);
        RunStatus status = rj.state().rollbackStatus(c.interrupted(), !failures.isEmpty());
        RollbackHooks.Outcome hooks = RollbackHooks.Outcome.NONE;
        if (!c.interrupted()) {
            failures = new ArrayList<>(failures);
            hooks = RollbackHooks.run(rollbackSteps(r, plans), info, rj, listeners, pool);
            failures.addAll(hooks.failures());
            status = hooks.status(status);
        }
        Optional<RunFailedException> failure = Optional.empty();
        if (!failures.isEmpty()) {
            RunFailedException f = new RunFailedException(r.runId, r.planName, status, failures.get(0));
            failures.stream().skip(1).forEach(f::addSuppressed);
            failure = Optional.of(f);
        }
        rj.append(JournalRecord.Type.RUN_FINISHED, null, Keys.STATUS, status.name());
        Instant ended = clock.instant();
        listeners.emit(new RunEvent.RunFinished(r.runId, ended, r.planName, status, Duration.between(started, ended),
                failure.map(x -> (Throwable) x)));
        List<dev.backstep.StepOutcome> outcomes = r.steps.values().stream().map(s -> rj.outcome(s.name(), s.kind()))
                .toList();
        return new DefaultRunResult(r.runId, r.planName, r.target, status, started, ended, outcomes, failure,
                Optional.empty(), c.compensatedOrder(), rj.state().stillApplied(outcomes))
                .withRollbackSteps(hooks.outcomes()).withEvidence(EvidenceCapture.captured(runState));
    }
}
