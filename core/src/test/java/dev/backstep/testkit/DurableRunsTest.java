package dev.backstep.testkit;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.NothingToRollBackException;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunNotFoundException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.Lock;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableRunsTest {
    @TempDir
    Path dir;
    final Journal journal = Journal.inMemory();
    final StepRegistry registry = StepRegistry.custom().register(WriteFileStep.TYPE, WriteFileStep.COMPENSATION).build();

    /** A runner as a new process would build it: same journal, no plan in memory. */
    Runner freshRunner() {
        return Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(registry).build();
    }

    Plan deploy(String version) {
        return Plan.named("deploy " + version).target("shop")
                .step(new WriteFileStep("version", dir.resolve("VERSION"), version))
                .step(new WriteFileStep("config", dir.resolve("app.conf"), "release=" + version))
                .build();
    }

    @Test
    void rollsBackASucceededRunFromItsJournalInAnotherRunner() throws Exception {
        Files.writeString(dir.resolve("VERSION"), "1.0");
        RunResult done = freshRunner().run(deploy("1.1"));
        assertThat(done).succeeded();
        assertThat(dir.resolve("VERSION")).hasContent("1.1");

        RunResult undone = freshRunner().rollback(done.runId());

        assertThat(undone).rolledBack().compensated("config", "version").stillApplied();
        assertThat(undone.startedAt()).as("a rollback result times the rollback").isAfterOrEqualTo(done.endedAt());
        assertThat(dir.resolve("VERSION")).hasContent("1.0");
        assertThat(dir.resolve("app.conf")).doesNotExist();
        assertThat(freshRunner().summary(done.runId()).status()).contains(RunStatus.ROLLED_BACK);
    }

    @Test
    void secondRollbackSaysThereIsNothingToRollBack() {
        RunResult done = freshRunner().run(deploy("1.1"));
        freshRunner().rollback(done.runId());

        assertThatThrownBy(() -> freshRunner().rollback(done.runId())).isInstanceOf(NothingToRollBackException.class)
                .hasMessageContaining("rolled back already");
    }

    @Test
    void unknownRunIsATypedError() {
        assertThatThrownBy(() -> freshRunner().rollback(RunId.of("nope"))).isInstanceOf(RunNotFoundException.class)
                .hasMessageContaining("no run nope");
    }

    @Test
    void refusesToRollBackPastALaterAppliedRunUnlessForced() throws Exception {
        RunResult first = freshRunner().run(deploy("1.1"));
        RunResult second = freshRunner().run(deploy("1.2"));

        assertThatThrownBy(() -> freshRunner().rollback(first.runId())).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining(second.runId().value()).hasMessageContaining("roll them back first");
        assertThat(dir.resolve("VERSION")).hasContent("1.2");

        freshRunner().rollback(second.runId());
        assertThat(dir.resolve("VERSION")).hasContent("1.1");
        assertThat(freshRunner().rollback(first.runId())).rolledBack();
        assertThat(dir.resolve("VERSION")).doesNotExist();
    }

    @Test
    void forcedRollbackIgnoresLaterRuns() throws Exception {
        RunResult first = freshRunner().run(deploy("1.1"));
        freshRunner().run(deploy("1.2"));

        assertThat(freshRunner().rollback(first.runId(), RollbackOption.FORCE)).rolledBack();
        assertThat(dir.resolve("VERSION")).doesNotExist();
    }

    @Test
    void keepsHistoryAndGoesBackToTheLastGoodRunInOneCall() throws Exception {
        Runner runner = freshRunner();
        RunResult v1 = runner.run(deploy("1.1"));
        runner.markGood(v1.runId());
        RunResult v2 = runner.run(deploy("1.2"));
        Plan broken = Plan.named("deploy 1.3").target("shop")
                .step(new WriteFileStep("version", dir.resolve("VERSION"), "1.3"))
                .verify(FakeStep.named("health").failAlways().build()).build();
        RunResult v3 = runner.run(broken);
        RunResult v4 = runner.run(deploy("1.4"));
        assertThat(v3).rolledBack();

        List<RunSummary> history = freshRunner().history("shop");
        assertThat(history).extracting(RunSummary::runId).containsExactly(v1.runId(), v2.runId(), v3.runId(),
                v4.runId());
        assertThat(history).extracting(RunSummary::good).containsExactly(true, false, false, false);
        assertThat(freshRunner().lastGood("shop")).map(RunSummary::runId).contains(v1.runId());

        List<RunResult> undone = freshRunner().rollbackToLastGood("shop");

        assertThat(undone).extracting(RunResult::runId).containsExactly(v4.runId(), v2.runId());
        assertThat(dir.resolve("VERSION")).hasContent("1.1");
        assertThat(dir.resolve("app.conf")).hasContent("release=1.1");
        assertThat(freshRunner().rollbackToLastGood("shop")).isEmpty();
    }

    @Test
    void failedOrRolledBackRunsAreNeverMarkedGood() {
        Plan broken = Plan.named("broken").target("shop").step(FakeStep.named("x").failAlways().build()).build();
        RunResult failed = freshRunner().run(broken);

        assertThatThrownBy(() -> freshRunner().markGood(failed.runId())).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("ROLLED_BACK");
        RunResult ok = freshRunner().run(deploy("1.1"));
        freshRunner().markGood(ok.runId());
        freshRunner().rollback(ok.runId());
        assertThat(freshRunner().lastGood("shop")).isEmpty();
        assertThatThrownBy(() -> freshRunner().rollbackToLastGood("shop")).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("no run of target 'shop' was marked good");
    }

    @Test
    void recoversARunWhoseProcessDiedMidwayFromTheJournalAlone() throws Exception {
        Files.writeString(dir.resolve("VERSION"), "1.0");
        Journal full = Journal.inMemory();
        RunResult done = Backstep.runner().journal(full).stateDir(dir.resolve("state")).build().run(deploy("1.1"));
        // the process "died" right after step 'config' recorded its undo data and wrote the file
        List<JournalRecord> records = full.read(done.runId());
        int cut = indexOf(records, JournalRecord.Type.STEP_SUCCEEDED, "config");
        records.subList(0, cut).forEach(journal::append);

        Recovery recovery = freshRunner().recover();

        assertThat(recovery.unrecoverable()).isEmpty();
        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("config", "version"));
        assertThat(dir.resolve("VERSION")).hasContent("1.0");
        assertThat(dir.resolve("app.conf")).doesNotExist();
        assertThat(freshRunner().recover().nothingToDo()).isTrue();
    }

    @Test
    void resumesARollbackThatWasInterruptedHalfway() throws Exception {
        Files.writeString(dir.resolve("VERSION"), "1.0");
        Journal full = Journal.inMemory();
        Plan failing = Plan.named("deploy 1.1").target("shop")
                .step(new WriteFileStep("version", dir.resolve("VERSION"), "1.1"))
                .step(new WriteFileStep("config", dir.resolve("app.conf"), "release=1.1"))
                .verify(FakeStep.named("health").failAlways().build()).build();
        RunResult done = Backstep.runner().journal(full).stateDir(dir.resolve("state")).build().run(failing);
        List<JournalRecord> records = full.read(done.runId());
        int cut = indexOf(records, JournalRecord.Type.COMPENSATION_SUCCEEDED, "config") + 1;
        records.subList(0, cut).forEach(journal::append);
        // the dead process had compensated 'config' but not 'version'
        Files.writeString(dir.resolve("VERSION"), "1.1");

        Recovery recovery = freshRunner().recover();

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("version"));
        assertThat(dir.resolve("VERSION")).hasContent("1.0");
    }

    @Test
    void reportsARunWhosePlanCannotBeResolvedAndTouchesNothing() throws Exception {
        Path marker = dir.resolve("marker");
        Step lambda = Step.named("lambda").action(ctx -> Files.writeString(marker, "x"))
                .compensation(ctx -> Files.deleteIfExists(marker)).build();
        Plan plan = Plan.named("custom").step(lambda).step(new WriteFileStep("version", dir.resolve("VERSION"), "9"))
                .build();
        Journal full = Journal.inMemory();
        RunResult done = Backstep.runner().journal(full).stateDir(dir.resolve("state")).build().run(plan);
        List<JournalRecord> records = full.read(done.runId());
        records.subList(0, records.size() - 1).forEach(journal::append);

        Recovery recovery = freshRunner().recover();

        assertThat(recovery.recovered()).isEmpty();
        assertThat(recovery.unrecoverable()).singleElement().satisfies(u -> {
            assertThat(u.runId()).isEqualTo(done.runId());
            assertThat(u.reason()).contains("'lambda' (type custom)");
        });
        assertThat(marker).exists();
        assertThat(dir.resolve("VERSION")).hasContent("9");

        Recovery withPlan = freshRunner().recover(plan);
        assertThat(withPlan.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack());
        assertThat(marker).doesNotExist();
        assertThat(dir.resolve("VERSION")).doesNotExist();
    }

    @Test
    void recoverLeavesARunAloneWhileALiveProcessHoldsItsTarget() throws Exception {
        Lock locks = Lock.file(dir.resolve("locks"));
        Journal full = Journal.inMemory();
        RunResult done = Backstep.runner().journal(full).stateDir(dir.resolve("state")).build().run(deploy("1.1"));
        List<JournalRecord> records = full.read(done.runId());
        records.subList(0, 3).forEach(journal::append);
        Runner recovering = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(registry)
                .lock(locks).build();

        try (Lock.Handle held = locks.acquire("shop", RunId.of("other-run"), java.time.Duration.ZERO)) {
            Recovery r = recovering.recover();
            assertThat(r.recovered()).isEmpty();
            assertThat(r.unrecoverable()).singleElement().satisfies(u -> assertThat(u.reason()).contains("locked"));
        }
        assertThat(recovering.recover().recovered()).hasSize(1);
    }

    @Test
    void aSecondRunOnTheSameTargetIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        Lock locks = Lock.file(dir.resolve("locks"));
        Runner runner = Backstep.runner().stateDir(dir.resolve("state")).lock(locks).build();
        try (Lock.Handle held = locks.acquire("shop", RunId.of("first-run"), java.time.Duration.ZERO)) {
            assertThatThrownBy(() -> runner.run(deploy("1.1"))).isInstanceOf(dev.backstep.LockUnavailableException.class)
                    .hasMessageContaining("first-run");
        }
        assertThat(dir.resolve("VERSION")).doesNotExist();
        assertThat(runner.run(deploy("1.1"))).succeeded();
    }

    @Test
    void concurrentRunnersOnOneTargetExcludeEachOtherOrWaitTheirTurn() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Plan slow = Plan.named("slow deploy").target("shop")
                .step(Step.named("hold").action(ctx -> {
                    inside.countDown();
                    release.await(2, java.util.concurrent.TimeUnit.MINUTES);
                }).compensation(ctx -> { }).build()).build();
        Runner first = Backstep.runner().stateDir(dir.resolve("state")).build();
        Runner impatient = Backstep.runner().stateDir(dir.resolve("state")).build();
        Runner patient = Backstep.runner().stateDir(dir.resolve("state")).lockWait(java.time.Duration.ofMinutes(1))
                .build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<RunResult> firstRun = pool.submit(() -> first.run(slow));
            assertThat(inside.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            RunId holder = first.lockHolder("shop").orElseThrow().runId();

            assertThatThrownBy(() -> impatient.run(deploy("1.1")))
                    .isInstanceOf(dev.backstep.LockUnavailableException.class)
                    .hasMessageContaining(holder.value());
            assertThat(dir.resolve("VERSION")).doesNotExist();

            java.util.concurrent.Future<RunResult> waiting = pool.submit(() -> patient.run(deploy("1.2")));
            release.countDown();
            assertThat(firstRun.get(2, java.util.concurrent.TimeUnit.MINUTES)).succeeded();
            assertThat(waiting.get(2, java.util.concurrent.TimeUnit.MINUTES)).succeeded();
            assertThat(dir.resolve("VERSION")).hasContent("1.2");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void compensationsFoundThroughTheRegistryAreRetriedByTheJournalPolicy() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        StepRegistry flakyUndo = StepRegistry.custom().register(WriteFileStep.TYPE, ctx -> {
            if (calls.incrementAndGet() == 1) {
                throw new java.io.IOException("disk briefly unavailable");
            }
            WriteFileStep.COMPENSATION.compensate(ctx);
        }).build();
        RunResult done = freshRunner().run(deploy("1.1"));
        dev.backstep.StepPolicy quickRetry = dev.backstep.StepPolicy.ofDefaults().withCompensationRetry(
                dev.backstep.RetryPolicy.custom().maxAttempts(2).delay(java.time.Duration.ofMillis(1)).build());

        RunResult undone = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).registry(flakyUndo)
                .journalCompensationPolicy(quickRetry).build().rollback(done.runId());

        assertThat(undone).rolledBack().compensated("config", "version");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(dir.resolve("VERSION")).doesNotExist();
    }

    @Test
    void runnerShowsTheLockHolderAndBreaksOnlyStaleLocks() throws Exception {
        Lock locks = Lock.file(dir.resolve("locks"));
        Runner runner = Backstep.runner().stateDir(dir.resolve("state")).lock(locks).build();
        assertThat(runner.lockHolder("shop")).isEmpty();
        assertThat(runner.breakLock("shop")).isFalse();

        try (Lock.Handle held = locks.acquire("shop", RunId.of("live-run"), java.time.Duration.ZERO)) {
            assertThat(runner.lockHolder("shop")).hasValueSatisfying(h -> {
                assertThat(h.runId()).isEqualTo(RunId.of("live-run"));
                assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(h.isStale()).isFalse();
            });
            assertThatThrownBy(() -> runner.breakLock("shop")).isInstanceOf(dev.backstep.LockUnavailableException.class)
                    .hasMessageContaining("live-run");
        }
    }

    private static int indexOf(List<JournalRecord> records, JournalRecord.Type type, String step) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).type() == type && records.get(i).step().orElse("").equals(step)) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " of " + step + " in " + records);
    }
}
