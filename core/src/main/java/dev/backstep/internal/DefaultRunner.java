package dev.backstep.internal;

import dev.backstep.BackstepException;
import dev.backstep.CompensationMode;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.StepValidationException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import dev.backstep.Recovery;
import dev.backstep.RollbackOption;
import dev.backstep.RunSummary;
import dev.backstep.spi.Lock;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The saga engine behind {@link dev.backstep.Backstep#runner()}. Thread-safe. */
public final class DefaultRunner implements Runner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultRunner.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private final Journal journal;
    private final Listeners listeners;
    private final CompensationMode compensationMode;
    private final CommandRunner commands;
    private final Path stateDir;
    private final Clock clock;
    private final ExecutorService pool;
    private final Lock lock;
    private final Duration lockWait;
    private final String host;
    private final Map<String, Plan> knownPlans = new ConcurrentHashMap<>();
    /** The plan of each run this runner ran: rollback(runId) compensates with that very plan. */
    private final Map<RunId, Plan> ranPlans = new ConcurrentHashMap<>();
    private final JournalRollbacks fromJournal;
    private final StepRegistry registry;
    private final Takeover takeover;

    DefaultRunner(RunnerBuilder b) {
        this.journal = b.journal;
        this.listeners = new Listeners(b.listeners);
        this.compensationMode = b.compensationMode;
        this.commands = b.commands;
        this.stateDir = b.stateDir;
        this.clock = b.clock;
        this.pool = Executors.newCachedThreadPool(daemonThreads("backstep-" + POOLS.incrementAndGet()));
        this.lock = b.lock != null ? b.lock : Lock.file(stateDir);
        this.lockWait = b.lockWait;
        this.host = b.host;
        b.plans.forEach(p -> knownPlans.put(p.name(), p));
        this.registry = b.effectiveRegistry();
        this.fromJournal = new JournalRollbacks(journal, listeners, compensationMode, commands, stateDir, clock, pool,
                lock, registry, knownPlans, ranPlans, lockWait,
                b.journalCompensationPolicy).onHost(host);
        this.takeover = new Takeover(journal, fromJournal, lock, knownPlans);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public RunResult run(Plan plan) {
        Objects.requireNonNull(plan, "plan");
        plan = UserStepTypes.bind(plan, registry);
        RunId runId = RunId.generate(clock.instant());
        RunInfo info = runInfo(plan, runId);
        RunResult result;
        try (Lock.Handle held = lock.acquire(plan.target(), runId, lockWait)) {
            reportTakeOver(held);
            validate(plan, info);
            knownPlans.putIfAbsent(plan.name(), plan);
            ranPlans.put(runId, plan);
            // lock held: finish the target's unfinished runs first, then take this run's place
            info = info.placed(takeover.prepare(plan, runId));
            // the run's state is folded from the records it appends: what a replay of its journal gives
            RunJournal runJournal = RunJournal.folding(info.secrets().journal(journal), RunState.empty(runId), clock);
            EvidenceCapture.remember(plan, info);
            result = new Saga(plan, info, runJournal, listeners.masking(info.secrets()), pool, compensationMode)
                    .guardedBy(new LockGuard(held)).run().withEvidence(EvidenceCapture.captured(info.runStateDir()));
        }
        if (result.status() == dev.backstep.RunStatus.INTERRUPTED && !LockGuard.lostLock(result)) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    @Override
    public Rehearsal rehearse(Plan plan) {
        return new Rehearser(this, commands, stateDir, clock).rehearse(Objects.requireNonNull(plan, "plan"));
    }

    @Override
    public dev.backstep.RehearsalMatrix rehearse(Plan plan, dev.backstep.RehearsalOptions options) {
        Objects.requireNonNull(options, "options");
        return new MatrixRehearser(this, new Rehearser(this, commands, stateDir, clock))
                .rehearse(Objects.requireNonNull(plan, "plan"), options);
    }

    @Override
    public RunResult rollback(RunId runId, RollbackOption... options) {
        return fromJournal.rollback(Objects.requireNonNull(runId, "runId"), options);
    }

    @Override
    public List<RunResult> rollbackToLastGood(String target) {
        return fromJournal.rollbackToLastGood(Objects.requireNonNull(target, "target"));
    }

    @Override
    public List<RunResult> rollbackTo(RunId run, RollbackOption... options) {
        return fromJournal.rollbackTo(Objects.requireNonNull(run, "run"), List.of(options));
    }

    @Override
    public Recovery recover(Plan... plans) {
        return fromJournal.recover(plans);
    }

    @Override
    public List<RunSummary> history(String target) {
        return fromJournal.history(Objects.requireNonNull(target, "target"));
    }

    @Override
    public RunSummary summary(RunId runId) {
        return fromJournal.replay(Objects.requireNonNull(runId, "runId")).summary();
    }

    @Override
    public List<String> appliedSteps(RunId runId) {
        List<String> names = new ArrayList<>();
        fromJournal.replay(Objects.requireNonNull(runId, "runId")).applied().forEach(s -> names.add(0, s.name()));
        return List.copyOf(names);
    }

    @Override
    public void markGood(RunId runId) {
        fromJournal.markGood(Objects.requireNonNull(runId, "runId"));
    }

    @Override
    public Optional<dev.backstep.spi.LockHolder> lockHolder(String target) {
        return lock.holder(Objects.requireNonNull(target, "target"));
    }

    @Override
    public boolean breakLock(String target) {
        return lock.breakLock(Objects.requireNonNull(target, "target"));
    }

    @Override
    public Optional<RunSummary> lastGood(String target) {
        return fromJournal.lastGood(Objects.requireNonNull(target, "target"));
    }

    private RunInfo runInfo(Plan plan, RunId runId) {
        // every secret of every step is masked in all the run writes, whichever step prints it
        RunSecrets secrets = RunSecrets.of(plan);
        return new RunInfo(runId, plan.name(), plan.target(), secrets.commands(commands),
                stateDir.resolve("runs").resolve(runId.value()), clock, 0, secrets, host);
    }

    /** Validates every step; throws the first problem with the others suppressed. Changes nothing. */
    static void validate(Plan plan, RunInfo info) {
        List<StepValidationException> problems = new ArrayList<>();
        RunJournal none = new RunJournal(new InMemoryJournal(), info.runId(), info.clock(), 0);
        int stage = 0;
        for (Plan.Stage s : plan.stages()) {
            for (Step step : s.steps()) {
                // plans not built by Plan.build() (Plan.of) are checked here, before any step runs
                Optional<String> noUndo = PlanBuilder.noCompensation(step);
                if (noUndo.isPresent()) {
                    problems.add(new StepValidationException(step.name(), "in plan '" + plan.name() + "' it "
                            + noUndo.get()));
                    continue;
                }
                problem(step, context(step, stage, info, none)).ifPresent(problems::add);
            }
            stage++;
        }
        for (Step step : RollbackHooks.steps(plan)) {
            problem(step, context(step, stage, info, none)).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            StepValidationException first = problems.get(0);
            problems.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static DefaultStepContext context(Step step, int stage, RunInfo info, RunJournal j) {
        return new DefaultStepContext(info, step.name(), StepContext.Phase.VALIDATE, 1, j, Map.of());
    }

    private static Optional<StepValidationException> problem(Step step, StepContext ctx) {
        try {
            step.validate(ctx);
            return Optional.empty();
        } catch (StepValidationException e) {
            return Optional.of(e);
        } catch (Exception | LinkageError e) {
            return Optional.of(new StepValidationException(step.name(), Errors.message(e), e));
        }
    }

    @Override
    public DryRun dryRun(Plan plan) {
        Objects.requireNonNull(plan, "plan");
        RunInfo info = runInfo(plan, RunId.of("dry-run"));
        RunJournal none = new RunJournal(new InMemoryJournal(), info.runId(), clock, 0);
        List<DryRun.StepPreview> previews = new ArrayList<>();
        int stage = 0;
        for (Plan.Stage s : plan.stages()) {
            for (Step step : s.steps()) {
                DefaultStepContext ctx = context(step, stage, info, none);
                Optional<StepValidationException> problem = problem(step, ctx);
                String description;
                try {
                    description = problem.isPresent() ? step.describe() : step.preview(ctx);
                } catch (Exception e) {
                    description = step.describe();
                    if (problem.isEmpty()) {
                        problem = Optional.of(new StepValidationException(step.name(), Errors.message(e), e));
                    }
                }
                if (problem.isEmpty()) {
                    problem = UserStepTypes.problem(step, registry, false)
                            .map(m -> new StepValidationException(step.name(), m));
                }
                previews.add(new DryRun.StepPreview(step.name(), step.kind(), stage + 1,
                        info.secrets().mask(description), undo(step),
                        problem.map(Errors::message).map(info.secrets()::mask)));
            }
            stage++;
        }
        for (Step step : RollbackHooks.steps(plan)) {
            Optional<StepValidationException> problem = problem(step, context(step, stage, info, none))
                    .or(() -> UserStepTypes.problem(step, registry, true)
                            .map(m -> new StepValidationException(step.name(), m)));
            previews.add(new DryRun.StepPreview(step.name(), step.kind(), ++stage, step.describe(),
                    RollbackHooks.dryRunNote(step), problem.map(Errors::message)));
        }
        return new DryRun(plan.name(), plan.target(), previews);
    }

    private static String undo(Step step) {
        if (step.kind() == StepKind.VERIFICATION) {
            return "nothing (verification; a failure rolls back the steps before it)";
        }
        if (step.kind() == StepKind.PIVOT) {
            return "none: point of no return, later failures do not roll back past it";
        }
        return step.compensation().irreversibleReason().map(r -> "irreversible: " + r)
                .orElse("compensated from the undo data it records");
    }

    /** A lock left by a dead process was taken over: the run it belonged to may need {@link #recover}. */
    static void reportTakeOver(Lock.Handle held) {
        held.tookOverFrom().ifPresent(stale -> LOG.warn("took over the lock of target '{}' left by {}; "
                + "if that run did not finish, the next run of the target or Runner.recover() rolls it back",
                stale.target(), stale.describe()));
    }

    static BackstepException wrap(String message, Throwable t) {
        return t instanceof BackstepException b ? b : new BackstepException(message, t);
    }
}
