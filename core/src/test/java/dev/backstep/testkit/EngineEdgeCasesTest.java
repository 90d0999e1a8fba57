package dev.backstep.testkit;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.NothingToRollBackException;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RetryPolicy;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepStatus;
import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.Lock;
import dev.backstep.spi.LockHolder;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adversarial cases: timeouts, interrupts, races, odd journal histories, misbehaving listeners. */
class EngineEdgeCasesTest {
    @TempDir
    Path dir;
    final Trace trace = new Trace();
    final Journal journal = Journal.inMemory();
    final StepRegistry registry = StepRegistry.custom().register(WriteFileStep.TYPE, WriteFileStep.COMPENSATION)
            .build();

    Runner runner() {
        return Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(registry).build();
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * Starts {@code t}, interrupts it once {@code reached} counts down and waits until it ends
     * (each wait bounded to a minute).
     */
    private static void startThenInterruptOnce(Thread t, CountDownLatch reached, String what)
            throws InterruptedException {
        t.start();
        assertThat(reached.await(1, TimeUnit.MINUTES)).as(what).isTrue();
        t.interrupt();
        t.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(t.isAlive()).as("thread t still runs").isFalse();
    }

    // ------------------------------------------------------------------ timeouts and interrupts

    @Test
    void neverRunsTwoAttemptsOfAStepAtOnceAfterATimeout() {
        AtomicInteger running = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        CountDownLatch secondStarted = new CountDownLatch(1);
        Step slow = Step.named("slow").action(ctx -> {
            if (running.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            try {
                if (ctx.attempt() == 1) {
                    waitUntilCancelled(ctx);
                    // like a call that does not react to interrupts: finishes a while after its timeout
                    awaitIgnoringInterrupts(secondStarted, Duration.ofMillis(1500));
                    throw new IllegalStateException("attempt 1 ended late");
                }
                secondStarted.countDown();
            } finally {
                running.decrementAndGet();
            }
        }).compensation(ctx -> { }).timeout(Duration.ofMillis(100))
                .retry(RetryPolicy.custom().maxAttempts(2).delay(Duration.ofMillis(1)).build()).build();

        RunResult r = runner().run(Plan.named("p").step(slow).build());

        assertThat(r).succeeded();
        assertThat(r.step("slow").attempts()).isEqualTo(2);
        assertThat(overlapped).as("attempt 2 started while the timed-out attempt 1 was still running").isFalse();
    }

    @Test
    void compensationWaitsUntilATimedOutStepHasStopped() {
        AtomicBoolean slowRunning = new AtomicBoolean();
        AtomicBoolean undoneWhileSlowRan = new AtomicBoolean();
        CountDownLatch undoStarted = new CountDownLatch(1);
        Step a = Step.named("a").action(ctx -> trace.add("do a")).compensation(ctx -> {
            undoStarted.countDown();
            undoneWhileSlowRan.set(slowRunning.get());
        }).build();
        Step slow = Step.named("slow").action(ctx -> {
            slowRunning.set(true);
            try {
                waitUntilCancelled(ctx);
                awaitIgnoringInterrupts(undoStarted, Duration.ofMillis(1500));
            } finally {
                slowRunning.set(false);
            }
        }).compensation(ctx -> { }).timeout(Duration.ofMillis(100)).build();

        RunResult r = runner().run(Plan.named("p").step(a).step(slow).build());

        // a timed-out step's outcome is unknown, so it is compensated too, after it stopped
        assertThat(r).rolledBack().failedAt("slow").compensated("slow", "a");
        assertThat(undoneWhileSlowRan).as("'a' was compensated while the timed-out 'slow' still ran").isFalse();
        assertThat(slowRunning).as("run() returned while 'slow' still ran").isFalse();
    }

    @Test
    void interruptingARunStopsAStepThatRunsUnderATimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean stopped = new AtomicBoolean();
        Step guarded = Step.named("guarded").action(ctx -> {
            started.countDown();
            try {
                while (!ctx.isCancelled()) {
                    Thread.sleep(5);
                }
            } finally {
                stopped.set(true);
            }
        }).compensation(ctx -> { }).timeout(Duration.ofMinutes(10)).build();
        Runner runner = runner();
        AtomicReference<RunResult> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(runner.run(Plan.named("p").step(guarded).build())));

        startThenInterruptOnce(t, started, "started");

        assertThat(result.get()).interrupted().stillApplied("guarded");
        assertThat(stopped).as("the step's thread was never told to stop").isTrue();
    }

    @Test
    void interruptedParallelGroupEndsOnlyAfterEveryMemberStopped() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        CountDownLatch runReturned = new CountDownLatch(1);
        AtomicInteger stopped = new AtomicInteger();
        StepAction member = ctx -> {
            bothStarted.countDown();
            try {
                while (true) {
                    Thread.sleep(5);
                }
            } finally {
                // cleaning up takes a moment, whatever the interrupt says
                awaitIgnoringInterrupts(runReturned, Duration.ofMillis(1000));
                stopped.incrementAndGet();
            }
        };
        Plan plan = Plan.named("p").parallel(Step.named("x").action(member::run).compensation(ctx -> { }).build(),
                Step.named("y").action(member::run).compensation(ctx -> { }).build()).build();
        Runner runner = runner();
        AtomicReference<RunResult> result = new AtomicReference<>();
        AtomicInteger stoppedWhenRunReturned = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            result.set(runner.run(plan));
            stoppedWhenRunReturned.set(stopped.get());
            runReturned.countDown();
        });

        startThenInterruptOnce(t, bothStarted, "bothStarted");

        assertThat(result.get()).interrupted();
        assertThat(stoppedWhenRunReturned).as("members still running when run() returned").hasValue(2);
        List<JournalRecord> records = journal.read(result.get().runId());
        assertThat(records.get(records.size() - 1).type()).isEqualTo(JournalRecord.Type.RUN_FINISHED);
    }

    @Test
    void interruptedRollbackStopsCleanlyAndRecoverFinishesIt() throws Exception {
        Path version = WriteFileStep.versionFile(dir);
        AtomicBoolean blockOnce = new AtomicBoolean(true);
        CountDownLatch undoing = new CountDownLatch(1);
        Step slowUndo = Step.named("slow").action(ctx -> ctx.record("k", "v")).compensation(ctx -> {
            if (blockOnce.getAndSet(false)) {
                undoing.countDown();
                Thread.sleep(600_000);
            }
            trace.add("undo slow");
        }).build();
        Plan plan = Plan.named("deploy").target("shop").step(new WriteFileStep("version", version, "1.1"))
                .step(slowUndo).build();
        Runner runner = Backstep.runner().journal(Journal.directory(dir.resolve("journal")))
                .stateDir(dir.resolve("state")).registry(registry).plan(plan).build();
        RunResult done = runner.run(plan);
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                outcome.set(runner.rollback(done.runId()));
            } catch (Throwable e) {
                outcome.set(e);
            }
            flagKept.set(Thread.currentThread().isInterrupted());
        });

        startThenInterruptOnce(t, undoing, "undoing");

        assertThat(outcome.get()).isInstanceOfSatisfying(RunResult.class, r -> assertThat(r).interrupted()
                .stillApplied("version", "slow"));
        assertThat(flagKept).as("the caller's interrupt flag").isTrue();
        assertThat(version).hasContent("1.1");
        assertThat(runner.lockHolder("shop")).isEmpty();
        assertThat(runner.summary(done.runId()).status()).contains(RunStatus.INTERRUPTED);

        Recovery recovery = runner.recover();

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("slow", "version"));
        assertThat(version).hasContent("1.0");
    }

    @Test
    void interruptedLiveRollbackEndsInterruptedAndRecoverFinishesIt() throws Exception {
        AtomicBoolean blockOnce = new AtomicBoolean(true);
        CountDownLatch undoing = new CountDownLatch(1);
        Step slowUndo = Step.named("slow").action(ctx -> trace.add("do slow")).compensation(ctx -> {
            if (blockOnce.getAndSet(false)) {
                undoing.countDown();
                Thread.sleep(600_000);
            }
            trace.add("undo slow");
        }).build();
        FakeStep a = FakeStep.named("a").trace(trace).build();
        Plan plan = Plan.named("p").step(a).step(slowUndo).step(FakeStep.named("boom").failAlways().build()).build();
        Runner runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).plan(plan).build();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                outcome.set(runner.run(plan));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });

        startThenInterruptOnce(t, undoing, "undoing");

        assertThat(outcome.get()).isInstanceOfSatisfying(RunResult.class, r -> assertThat(r).interrupted()
                .failedAt("boom").stillApplied("a", "slow"));
        assertThat(trace.entries()).doesNotContain("undo a");

        Recovery recovery = runner.recover();

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("slow", "a"));
    }

    @Test
    void lockIsReleasedCleanlyByAnInterruptedThread() {
        Lock locks = Lock.file(dir.resolve("locks"));
        Lock.Handle held = locks.acquire("shop", RunId.of("run-1"), Duration.ZERO);

        Thread.currentThread().interrupt();
        try {
            held.close();
        } finally {
            assertThat(Thread.interrupted()).as("interrupt flag kept").isTrue();
        }

        assertThat(locks.holder("shop")).isEmpty();
        try (Lock.Handle next = locks.acquire("shop", RunId.of("run-2"), Duration.ZERO)) {
            assertThat(next.tookOverFrom()).as("the first holder looks like it crashed").isEmpty();
        }
    }

    // ------------------------------------------------------------------ saga semantics

    @Test
    void succeededPivotInAFailedParallelGroupIsNeverCompensated() {
        Plan plan = Plan.named("p").step(FakeStep.named("a").trace(trace).build())
                .parallel(FakeStep.named("charge").pivot().trace(trace).build(),
                        FakeStep.named("bad").failAlways().trace(trace).build())
                .build();
        Runner runner = runner();

        RunResult r = runner.run(plan);

        assertThat(r).failedAfterPivot().failedAt("bad").compensated().stillApplied("a", "charge")
                .stepHasStatus("charge", StepStatus.NOT_COMPENSATED);
        assertThat(trace.entries()).doesNotContain("undo charge", "undo a");
        assertThat(runner.summary(r.runId()).status()).contains(RunStatus.FAILED_AFTER_PIVOT);
    }

    @Test
    void stepWhoseSuccessCannotBeJournaledStaysAppliedAndIsCompensated() throws Exception {
        Files.writeString(file("VERSION"), "1.0");
        AtomicBoolean failedOnce = new AtomicBoolean();
        Journal full = Journal.inMemory();
        Journal failingOnce = new ForwardingJournal(full) {
            @Override
            public void append(JournalRecord record) {
                if (record.type() == JournalRecord.Type.STEP_SUCCEEDED && record.step().orElse("").equals("version")
                        && failedOnce.compareAndSet(false, true)) {
                    throw new dev.backstep.BackstepException("journal device full (once)");
                }
                full.append(record);
            }
        };
        Runner runner = Backstep.runner().journal(failingOnce).stateDir(dir.resolve("state")).build();

        RunResult r = runner.run(deploy("1.1"));

        assertThat(r).rolledBack().failedAt("version").compensated("version").notRun("config").stillApplied();
        assertThat(r.failure().orElseThrow()).hasMessageContaining("journal device full");
        assertThat(file("VERSION")).hasContent("1.0");
    }

    @Test
    void listenerThrowingAnErrorNeverBreaksARun() {
        RunListener asserting = new RunListener() {
            @Override
            public void dispatch(RunEvent event) {
                throw new AssertionError("a listener's own assertion failed on " + event.getClass().getSimpleName());
            }
        };
        Runner runner = Backstep.runner().stateDir(dir.resolve("state")).listener(asserting).build();
        Plan plan = Plan.named("p").step(FakeStep.named("a").trace(trace).build())
                .step(FakeStep.named("b").trace(trace).build()).build();

        RunResult r = runner.run(plan);

        assertThat(r).succeeded().stillApplied("a", "b");
        assertThat(trace.entries()).containsExactly("do a", "do b");
    }

    // ------------------------------------------------------------------ rollbacks from the journal

    @Test
    void concurrentRollbacksOfOneRunCompensateItOnce() throws Exception {
        Files.writeString(file("VERSION"), "1.0");
        RunResult done = runner().run(deploy("1.1"));
        Lock files = Lock.file(dir.resolve("locks"));
        CountDownLatch firstHolds = new CountDownLatch(1);
        CountDownLatch secondAsks = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Lock gated = new Lock() {
            @Override
            public Handle acquire(String target, RunId runId, Duration wait) {
                int n = calls.incrementAndGet();
                if (n == 2) {
                    secondAsks.countDown();
                }
                Handle h = files.acquire(target, runId, wait);
                if (n == 1) {
                    firstHolds.countDown();
                    awaitIgnoringInterrupts(secondAsks, Duration.ofSeconds(30));
                }
                return h;
            }

            @Override
            public Optional<LockHolder> holder(String target) {
                return files.holder(target);
            }

            @Override
            public boolean breakLock(String target) {
                return files.breakLock(target);
            }
        };
        Runner operators = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(registry)
                .lock(gated).lockWait(Duration.ofMinutes(1)).build();
        AtomicReference<Object> first = new AtomicReference<>();
        AtomicReference<Object> second = new AtomicReference<>();
        Thread t1 = new Thread(() -> first.set(attempt(() -> operators.rollback(done.runId()))));
        Thread t2 = new Thread(() -> second.set(attempt(() -> operators.rollback(done.runId()))));

        t1.start();
        assertThat(firstHolds.await(1, TimeUnit.MINUTES)).as("firstHolds").isTrue();
        t2.start();
        t1.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(t1.isAlive()).as("thread t1 still runs").isFalse();
        t2.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(t2.isAlive()).as("thread t2 still runs").isFalse();

        assertThat(first.get()).isInstanceOfSatisfying(RunResult.class, r -> assertThat(r).rolledBack());
        assertThat(second.get()).isInstanceOf(NothingToRollBackException.class);
        List<JournalRecord> records = journal.read(done.runId());
        assertThat(records).extracting(JournalRecord::sequence).doesNotHaveDuplicates();
        assertThat(records).filteredOn(x -> x.type() == JournalRecord.Type.ROLLBACK_STARTED).hasSize(1);
        assertThat(file("VERSION")).hasContent("1.0");
    }

    @Test
    void recoverAndHistoryIgnoreARunFileWhoseFirstRecordNeverReachedTheDisk() throws Exception {
        Journal onDisk = Journal.directory(dir.resolve("journal"));
        Journal full = Journal.inMemory();
        Files.writeString(file("VERSION"), "1.0");
        RunResult done = Backstep.runner().journal(full).stateDir(dir.resolve("state")).build().run(deploy("1.1"));
        List<JournalRecord> records = full.read(done.runId());
        records.subList(0, indexOf(records, JournalRecord.Type.STEP_SUCCEEDED, "config")).forEach(onDisk::append);
        // another process was killed while writing the first record of its run
        Files.writeString(dir.resolve("journal/runs/20990101-000000.000-0000000.jsonl"), "{\"v\":1,\"runId\":\"2099");
        Runner fresh = Backstep.runner().journal(onDisk).stateDir(dir.resolve("state")).registry(registry).build();

        Recovery recovery = fresh.recover();

        assertThat(recovery.unrecoverable()).isEmpty();
        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("config", "version"));
        assertThat(file("VERSION")).hasContent("1.0");
        assertThat(fresh.history("shop")).singleElement().satisfies(s -> assertThat(s.runId())
                .isEqualTo(done.runId()));
    }

    @Test
    void oneCorruptedRunFileDoesNotStopRecoveryOfTheOthers() throws Exception {
        Journal onDisk = Journal.directory(dir.resolve("journal"));
        Runner direct = Backstep.runner().journal(onDisk).stateDir(dir.resolve("state")).registry(registry).build();
        RunResult old = direct.run(Plan.named("other").target("blog")
                .step(new WriteFileStep("post", file("post"), "x")).build());
        Path oldFile = dir.resolve("journal/runs/" + old.runId().value() + ".jsonl");
        List<String> lines = Files.readAllLines(oldFile);
        lines.set(1, lines.get(1).replace("\"STEP_STARTED\"", "\"STEP_STARTEX\"")); // bit rot mid-file
        Files.write(oldFile, lines);
        Files.writeString(file("VERSION"), "1.0");
        Journal full = Journal.inMemory();
        RunResult done = Backstep.runner().journal(full).stateDir(dir.resolve("state")).build().run(deploy("1.1"));
        List<JournalRecord> records = full.read(done.runId());
        records.subList(0, indexOf(records, JournalRecord.Type.STEP_SUCCEEDED, "config")).forEach(onDisk::append);

        Recovery recovery = direct.recover();

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack());
        assertThat(file("VERSION")).hasContent("1.0");
        assertThat(recovery.unrecoverable()).singleElement().satisfies(u -> {
            assertThat(u.runId()).isEqualTo(old.runId());
            assertThat(u.reason()).contains("corrupted at line 2");
        });
    }

    @Test
    void lockWaitOfForeverIsAccepted() {
        Runner patient = Backstep.runner().stateDir(dir.resolve("state"))
                .lockWait(java.time.temporal.ChronoUnit.FOREVER.getDuration()).build();

        assertThat(patient.run(Plan.named("p").step(FakeStep.named("a").build()).build())).succeeded();
    }

    @Test
    void rollbackUsesThePlanThatRanTheRunEvenWhenALaterPlanHasTheSameName() throws Exception {
        Plan first = Plan.named("deploy").step(touch("write", file("first"))).build();
        Plan second = Plan.named("deploy").step(touch("write", file("second"))).build();
        Runner runner = runner();
        runner.run(first);
        RunResult latest = runner.run(second);

        assertThat(runner.rollback(latest.runId())).rolledBack().compensated("write");

        assertThat(file("second")).as("the rolled back run's file").doesNotExist();
        assertThat(file("first")).as("the other run's file").exists();
    }

    @Test
    void rollbackToLastGoodRefusesUpFrontToGoBackPastALaterPivot() throws Exception {
        Runner runner = runner();
        RunResult v1 = runner.run(deploy("1.1"));
        runner.markGood(v1.runId());
        Plan migrating = Plan.named("deploy 1.2").target("shop")
                .step(FakeStep.named("migrate").pivot().trace(trace).build())
                .step(new WriteFileStep("version", file("VERSION"), "1.2")).build();
        Runner withPlan = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(registry)
                .plan(migrating).build();
        RunResult v2 = withPlan.run(migrating);
        withPlan.run(deploy("1.3"));

        assertThatThrownBy(() -> withPlan.rollbackToLastGood("shop")).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining(v2.runId().value()).hasMessageContaining("migrate");

        assertThat(file("VERSION")).as("nothing was rolled back").hasContent("1.3");
    }

    @Test
    void rollbackFailedRunIsRolledBackAgainOnceTheCauseIsFixed() throws Exception {
        Path blocker = file("blocker");
        Files.writeString(blocker, "x");
        Step guarded = Step.named("guarded").action(ctx -> ctx.record("blocker", blocker.toString()))
                .compensation(ctx -> {
                    if (Files.exists(Path.of(ctx.recorded("blocker").orElseThrow()))) {
                        throw new IllegalStateException("blocked");
                    }
                    trace.add("undo guarded");
                }).build();
        Plan plan = Plan.named("deploy").target("shop").step(new WriteFileStep("version", file("VERSION"), "1.1"))
                .step(guarded).verify(FakeStep.named("health").failAlways().build()).build();
        Runner runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(registry)
                .plan(plan).build();
        RunResult failed = runner.run(plan);
        assertThat(failed).rollbackFailed().compensated("version").stillApplied("guarded");
        assertThat(runner.recover().nothingToDo()).as("recover() leaves ROLLBACK_FAILED to the operator").isTrue();

        Files.delete(blocker);
        RunResult again = runner.rollback(failed.runId());

        assertThat(again).rolledBack().compensated("guarded").stillApplied();
        assertThat(again.step("version").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(trace.entries()).containsExactly("undo guarded");
        assertThatThrownBy(() -> runner.rollback(failed.runId())).isInstanceOf(NothingToRollBackException.class);
    }

    @Test
    void crashInTheMiddleOfRollingBackASucceededRunIsFinishedByRecover() throws Exception {
        Files.writeString(file("VERSION"), "1.0");
        Journal full = Journal.inMemory();
        Runner first = Backstep.runner().journal(full).stateDir(dir.resolve("state")).registry(registry).build();
        RunResult done = first.run(deploy("1.1"));
        first.markGood(done.runId());
        first.rollback(done.runId());
        List<JournalRecord> records = full.read(done.runId());
        // the process died right after compensating 'config' and before 'version'
        records.subList(0, indexOf(records, JournalRecord.Type.COMPENSATION_SUCCEEDED, "config") + 1)
                .forEach(journal::append);
        Files.writeString(file("VERSION"), "1.1");
        Runner fresh = runner();
        assertThat(fresh.lastGood("shop")).as("half rolled back is not good").isEmpty();
        assertThatThrownBy(() -> fresh.rollback(done.runId())).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("recover()");

        Recovery recovery = fresh.recover();

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("version"));
        assertThat(file("VERSION")).hasContent("1.0");
        assertThat(fresh.summary(done.runId()).status()).contains(RunStatus.ROLLED_BACK);
    }

    // ------------------------------------------------------------------ helpers

    Plan deploy(String version) {
        return Plan.named("deploy " + version).target("shop")
                .step(new WriteFileStep("version", file("VERSION"), version))
                .step(new WriteFileStep("config", file("app.conf"), "release=" + version))
                .build();
    }

    /** A lambda step whose compensation captures its file, as the StepContext javadoc shows. */
    static Step touch(String name, Path f) {
        return Step.named(name).action(ctx -> Files.writeString(f, "x")).compensation(ctx -> Files.deleteIfExists(f))
                .build();
    }

    static Object attempt(java.util.function.Supplier<Object> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return e;
        }
    }

    static int indexOf(List<JournalRecord> records, JournalRecord.Type type, String step) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).type() == type && records.get(i).step().orElse("").equals(step)) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " of " + step);
    }

    static void waitUntilCancelled(dev.backstep.StepContext ctx) {
        while (!ctx.isCancelled()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the latch up to {@code max}, whatever interrupts arrive meanwhile; keeps the flag. */
    static boolean awaitIgnoringInterrupts(CountDownLatch latch, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return latch.getCount() == 0;
                }
                try {
                    return latch.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    interface StepAction {
        void run(dev.backstep.StepContext ctx) throws Exception;
    }
}
