package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.CompensationMode;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RetryPolicy;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepKind;
import dev.backstep.StepOutcome;
import dev.backstep.StepPolicy;
import dev.backstep.StepStatus;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For many generated runs — random plans with parallel groups, pivots and verifications, failures
 * at random points (clean, or after recording undo data), retries, failed and retried
 * compensations, irreversible steps, after-rollback steps and checks, interrupted runs — the live
 * run's state at its end is the fold of what it journaled, and so are the results of the later
 * rollbacks and recoveries of the run, its summary, history and applied steps.
 */
class RunStateFoldPropertyTest {
    private static final int RUNS = 120;
    private static final RetryPolicy QUICK_RETRY =
            RetryPolicy.custom().maxAttempts(2).delay(Duration.ofMillis(1)).build();

    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "run-state-property");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theLiveStateOfEveryGeneratedRunIsTheFoldOfItsJournalAndSoIsEveryLaterRollback() throws Exception {
        int interrupted = 0;
        int rolledBackLater = 0;
        int compensationFailed = 0;
        for (int seed = 0; seed < RUNS; seed++) {
            Random random = new Random(seed);
            Path dir = Files.createDirectories(tmp.resolve("run-" + seed));
            // real files for half of the runs: what the live run folds is what the file gives back
            Journal journal = seed % 2 == 0 ? Journal.directory(dir.resolve("journal")) : Journal.inMemory();
            Plan plan = plan(random, "target-" + seed);
            String what = "seed " + seed + ", plan " + plan.describe();

            RunId runId = RunId.generate(Clock.systemUTC().instant());
            RunInfo info = new RunInfo(runId, plan.name(), plan.target(), CommandRunner.local(),
                    dir.resolve("runs").resolve(runId.value()), Clock.systemUTC());
            RunJournal live = RunJournal.folding(journal, RunState.empty(runId), Clock.systemUTC());
            CompensationMode mode = random.nextInt(4) == 0 ? CompensationMode.PARALLEL : CompensationMode.SEQUENTIAL;
            RunResult result = new Saga(plan, info, live, new Listeners(List.of()), pool, mode).run();
            Thread.interrupted(); // an interrupted run leaves the flag to its runner

            RunState replay = RunState.fold(runId, journal.read(runId), journal);
            assertSameState(live.state(), replay, what);
            assertResultIsTheFold(result, replay, what);
            interrupted += result.status() == RunStatus.INTERRUPTED ? 1 : 0;
            compensationFailed += result.status() == RunStatus.ROLLBACK_FAILED ? 1 : 0;

            Runner runner = Backstep.runner().journal(journal).stateDir(dir).plan(plan).build();
            for (int round = 0; round < 3; round++) {
                RunState now = RunState.fold(runId, journal.read(runId), journal);
                assertThat(runner.summary(runId)).as(what).isEqualTo(now.summary());
                assertThat(runner.history(plan.target())).as(what).containsExactly(now.summary());
                List<String> applied = new ArrayList<>(now.applied().stream().map(RunState.Step::name).toList());
                java.util.Collections.reverse(applied);
                assertThat(runner.appliedSteps(runId)).as(what).isEqualTo(applied);
                RunResult later;
                if (now.needsRecovery()) {
                    Recovery r = runner.recover(plan);
                    Thread.interrupted();
                    assertThat(r.unrecoverable()).as(what).isEmpty();
                    later = r.recovered().get(0);
                } else if (!now.applied().isEmpty() && now.status != RunStatus.ROLLED_BACK) {
                    later = runner.rollback(runId);
                    rolledBackLater++;
                } else {
                    break;
                }
                RunState after = RunState.fold(runId, journal.read(runId), journal);
                assertResultIsTheFold(later, after, what + ", round " + round);
            }
            journal.close();
        }
        // the generator reaches the cases the property is about
        assertThat(interrupted).isGreaterThan(5);
        assertThat(compensationFailed).isGreaterThan(5);
        assertThat(rolledBackLater).isGreaterThan(10);
    }

    private static void assertSameState(RunState live, RunState replay, String what) {
        assertThat(live.steps).as("steps, " + what).isEqualTo(replay.steps);
        assertThat(live.rollbackSteps).as("rollback steps, " + what).isEqualTo(replay.rollbackSteps);
        assertThat(live.summary()).as("summary, " + what).isEqualTo(replay.summary());
        assertThat(live.lastSequence).as("last sequence, " + what).isEqualTo(replay.lastSequence);
        assertThat(live.runData).as("run data, " + what).isEqualTo(replay.runData);
        assertThat(live.applied()).as("applied, " + what).isEqualTo(replay.applied());
        assertThat(live.pivotStage()).as("pivot, " + what).isEqualTo(replay.pivotStage());
    }

    /** Every step of the result is what the journal folds to; a step that never started is NOT_RUN. */
    private static void assertResultIsTheFold(RunResult result, RunState replay, String what) {
        assertThat(replay.summary().status()).as(what).contains(result.status());
        for (StepOutcome o : result.steps()) {
            Optional<RunState.Step> s = replay.step(o.name());
            if (o.status() == StepStatus.NOT_RUN) {
                assertThat(s).as(o.name() + ", " + what).isEmpty();
                continue;
            }
            RunState.Step f = s.orElseThrow();
            assertThat(o.status()).as(o.name() + " status, " + what).isEqualTo(f.status());
            assertThat(o.attempts()).as(o.name() + " attempts, " + what).isEqualTo(f.attempts());
            assertThat(o.recorded()).as(o.name() + " recorded, " + what).isEqualTo(f.recorded());
            assertThat(o.note()).as(o.name() + " note, " + what).isEqualTo(Optional.ofNullable(f.note()));
            assertThat(o.summary()).as(o.name() + " summary, " + what).isEqualTo(Optional.ofNullable(f.summary()));
            assertThat(o.startedAt()).as(o.name() + " start, " + what).isEqualTo(Optional.ofNullable(f.startedAt()));
            assertThat(o.endedAt()).as(o.name() + " end, " + what).isEqualTo(Optional.ofNullable(f.endedAt()));
        }
        assertThat(result.stillApplied()).as("still applied, " + what).isEqualTo(result.steps().stream()
                .filter(o -> replay.step(o.name()).map(f -> f.kind() != StepKind.VERIFICATION
                        && f.inEffect()).orElse(false)).map(StepOutcome::name).toList());
        for (String name : replay.rollbackSteps.keySet()) {
            assertThat(result.step(name).status()).as("rollback step " + name + ", " + what)
                    .isEqualTo(replay.rollbackSteps.get(name).status());
        }
    }

    private static Plan plan(Random random, String target) {
        Plan.Builder b = Plan.named("generated").target(target);
        int stages = 1 + random.nextInt(5);
        int n = 0;
        for (int i = 0; i < stages; i++) {
            if (random.nextInt(3) == 0) {
                int size = 2 + random.nextInt(2);
                Step[] group = new Step[size];
                for (int j = 0; j < size; j++) {
                    group[j] = step(random, "s" + n++, false);
                }
                b.parallel(group);
            } else {
                b.step(step(random, "s" + n++, false));
            }
        }
        if (random.nextBoolean()) {
            b.afterRollback(step(random, "after-rollback", true));
        }
        if (random.nextInt(3) == 0) {
            b.verifyAfterRollback(new GenStep("check-after-rollback", StepKind.VERIFICATION,
                    random.nextInt(3) == 0 ? 1 : 0, false, false, 0, false, random.nextBoolean(),
                    StepPolicy.ofDefaults()));
        }
        return b.build();
    }

    private static Step step(Random random, String name, boolean rollbackPhase) {
        int kindDraw = random.nextInt(10);
        StepKind kind = rollbackPhase || kindDraw < 7 ? StepKind.COMPENSATABLE
                : kindDraw < 9 ? StepKind.VERIFICATION : StepKind.PIVOT;
        int failure = random.nextInt(12);
        // 0: fails for good; 1: fails after recording undo data; 2: flaky, retried; 3: interrupted
        int failFirst = failure <= 1 ? Integer.MAX_VALUE : failure == 2 ? 1 : 0;
        boolean recordFirst = failure == 1;
        boolean interrupt = failure == 3 && !rollbackPhase;
        StepPolicy policy = StepPolicy.ofDefaults();
        if (failure == 2 || random.nextInt(5) == 0) {
            policy = policy.withRetry(QUICK_RETRY);
        }
        int compensationFailures = random.nextInt(6) == 0 ? 1 + random.nextInt(2) : 0;
        if (compensationFailures > 0 && random.nextBoolean()) {
            policy = policy.withCompensationRetry(QUICK_RETRY);
        }
        boolean irreversible = random.nextInt(10) == 0;
        return new GenStep(name, kind, failFirst, recordFirst, interrupt, compensationFailures, irreversible,
                random.nextBoolean(), policy);
    }

    /** A step whose behaviour the generator chose. */
    private record GenStep(String name, StepKind kind, int failFirst, boolean recordFirst, boolean interrupt,
                           int compensationFailures, boolean irreversible, boolean summary, StepPolicy policy,
                           AtomicInteger calls, AtomicInteger compensations) implements Step {
        GenStep(String name, StepKind kind, int failFirst, boolean recordFirst, boolean interrupt,
                int compensationFailures, boolean irreversible, boolean summary, StepPolicy policy) {
            this(name, kind, failFirst, recordFirst, interrupt, compensationFailures, irreversible, summary, policy,
                    new AtomicInteger(), new AtomicInteger());
        }

        @Override
        public void execute(dev.backstep.StepContext ctx) throws Exception {
            int call = calls.incrementAndGet();
            if (summary) {
                ctx.summary(name + " call " + call);
            }
            if (interrupt) {
                throw new InterruptedException("step '" + name + "' stopped");
            }
            if (recordFirst || call > failFirst) {
                ctx.record("undo", name + "#" + call);
            }
            if (call <= failFirst) {
                throw new IllegalStateException("step '" + name + "' failed on call " + call);
            }
        }

        @Override
        public Compensation compensation() {
            if (irreversible) {
                return Compensation.none("generated as irreversible");
            }
            return ctx -> {
                if (compensations.incrementAndGet() <= compensationFailures) {
                    throw new IllegalStateException("compensation of '" + name + "' failed");
                }
            };
        }

        @Override
        public String describe() {
            return name + "[" + kind + (failFirst > 0 ? ", fails " + failFirst : "") + (recordFirst ? ", records" : "")
                    + (interrupt ? ", interrupts" : "") + (compensationFailures > 0 ? ", undo fails "
                    + compensationFailures : "") + (irreversible ? ", irreversible" : "") + "]";
        }
    }
}
