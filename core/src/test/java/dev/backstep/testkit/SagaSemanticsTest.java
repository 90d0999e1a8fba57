package dev.backstep.testkit;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.CompensationFailedException;
import dev.backstep.CompensationMode;
import dev.backstep.Plan;
import dev.backstep.RetryPolicy;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepFailedException;
import dev.backstep.StepStatus;
import dev.backstep.StepTimeoutException;
import dev.backstep.StepValidationException;
import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SagaSemanticsTest {
    @TempDir
    Path state;
    final Trace trace = new Trace();
    final RecordingListener events = new RecordingListener();

    Runner runner() {
        return Backstep.runner().stateDir(state).listener(events).build();
    }

    FakeStep.Builder step(String name) {
        return FakeStep.named(name).trace(trace);
    }

    @Test
    void succeedsWithoutCompensatingAnything() {
        Plan plan = Plan.named("ok").step(step("a").build()).step(step("b").build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).succeeded().compensated().stillApplied("a", "b").hasFailureCount(0);
        assertThat(trace.entries()).containsExactly("do a", "do b");
        assertThat(r.failure()).isEmpty();
    }

    @Test
    void compensatesCompletedStepsInReverseOrder() {
        Plan plan = Plan.named("deploy").step(step("a").build()).step(step("b").build()).step(step("c").build())
                .step(step("d").failAlways().build()).step(step("e").build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().failedAt("d").compensated("c", "b", "a").stillApplied().notRun("e")
                .stepHasStatus("d", StepStatus.FAILED).stepHasStatus("a", StepStatus.COMPENSATED);
        assertThat(trace.entries()).containsExactly("do a", "do b", "do c", "fail d", "undo c", "undo b", "undo a");
        assertThat(r.failure().orElseThrow().getCause()).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("'d'");
    }

    @Test
    void verificationFailureRollsBackAndIsNeverCompensated() {
        FakeStep health = step("health").failAlways().verification().build();
        Plan plan = Plan.named("p").step(step("a").build()).verify(health).build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().failedAt("health").compensated("a");
        assertThat(health.compensations()).isZero();
    }

    @Test
    void verifyTurnsAnyStepIntoAVerification() {
        Step check = Step.named("smoke").action(ctx -> trace.add("smoke")).build();
        Plan plan = Plan.named("p").step(step("a").build()).verify(check).build();

        assertThat(plan.step("smoke").orElseThrow().kind()).isEqualTo(dev.backstep.StepKind.VERIFICATION);
        assertThat(runner().run(plan)).succeeded().stillApplied("a");
    }

    @Test
    void parallelGroupRunsConcurrentlyAndIsCompensatedTogether() {
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        Step x = Step.named("x").action(ctx -> bothRunning.await(10, TimeUnit.SECONDS))
                .compensation(ctx -> trace.add("undo x")).build();
        Step y = Step.named("y").action(ctx -> bothRunning.await(10, TimeUnit.SECONDS))
                .compensation(ctx -> trace.add("undo y")).build();
        Plan plan = Plan.named("p").step(step("a").build()).parallel(x, y).step(step("z").failAlways().build())
                .build();

        RunResult r = runner().run(plan);

        // the barrier only opens when both ran at once; otherwise each would time out and fail
        assertThat(r).rolledBack().failedAt("z").stepHasStatus("x", StepStatus.COMPENSATED)
                .stepHasStatus("y", StepStatus.COMPENSATED);
        assertThat(r.compensated()).hasSize(3).endsWith("a");
        assertThat(r.compensated().subList(0, 2)).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void failingParallelMemberRollsBackItsSucceededSiblingsAndEarlierSteps() {
        Plan plan = Plan.named("p").step(step("a").build())
                .parallel(step("ok1").build(), step("bad").failAlways().build(), step("ok2").build())
                .build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().failedAt("bad").stepHasStatus("bad", StepStatus.FAILED);
        assertThat(r.compensated()).containsExactlyInAnyOrder("ok1", "ok2", "a").endsWith("a");
    }

    @Test
    void pivotStopsCompensationFromGoingPastIt() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("charge").pivot().build())
                .step(step("b").build()).step(step("c").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).failedAfterPivot().failedAt("c").compensated("b").stillApplied("a", "charge")
                .stepHasStatus("a", StepStatus.NOT_COMPENSATED).stepHasStatus("charge", StepStatus.NOT_COMPENSATED);
        assertThat(r.step("a").note()).hasValueSatisfying(n -> assertThat(n).contains("pivot 'charge'"));
        assertThat(trace.entries()).doesNotContain("undo a", "undo charge");
    }

    @Test
    void failingPivotItselfRollsBackEverythingBeforeIt() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("charge").pivot().failAlways().build())
                .build();

        assertThat(runner().run(plan)).rolledBack().failedAt("charge").compensated("a");
    }

    @Test
    void irreversibleStepIsKeptAndReported() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("notify").irreversible("mail sent").build())
                .step(step("b").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().compensated("a").stillApplied("notify")
                .stepHasStatus("notify", StepStatus.NOT_COMPENSATED);
        assertThat(events.ofType(RunEvent.CompensationSkipped.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("mail sent"));
    }

    @Test
    void retriesUntilTheStepSucceeds() {
        FakeStep flaky = step("flaky").failTimes(2)
                .retry(RetryPolicy.custom().maxAttempts(3).delay(Duration.ofMillis(1)).build()).build();
        Plan plan = Plan.named("p").step(flaky).build();

        RunResult r = runner().run(plan);

        assertThat(r).succeeded();
        assertThat(flaky.executions()).isEqualTo(3);
        assertThat(r.step("flaky").attempts()).isEqualTo(3);
        assertThat(events.ofType(RunEvent.StepRetrying.class)).extracting(RunEvent.StepRetrying::failedAttempt)
                .containsExactly(1, 2);
    }

    @Test
    void givesUpAfterTheLastAttemptAndSaysHowManyThereWere() {
        FakeStep bad = step("bad").failAlways()
                .retry(RetryPolicy.custom().maxAttempts(3).delay(Duration.ofMillis(1)).build()).build();
        Plan plan = Plan.named("p").step(step("a").build()).step(bad).build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().compensated("a");
        assertThat(bad.executions()).isEqualTo(3);
        assertThat(r.failure().orElseThrow().getCause()).isInstanceOfSatisfying(StepFailedException.class,
                e -> assertThat(e.attempts()).isEqualTo(3));
    }

    @Test
    void timesOutAHangingStepAndRollsBack() {
        FakeStep hanging = step("hang").hang().timeout(Duration.ofMillis(200)).build();
        Plan plan = Plan.named("p").step(step("a").build()).step(hanging).build();

        RunResult r = runner().run(plan);

        // cut off in the middle, the step may have half-done its change: it is compensated too
        assertThat(r).rolledBack().failedAt("hang").compensated("hang", "a").stepHasStatus("hang", StepStatus.COMPENSATED);
        assertThat(r.step("hang").error()).isPresent();
        assertThat(r.failure().orElseThrow().getCause().getCause()).isInstanceOf(StepTimeoutException.class);
        assertThat(trace.entries()).containsExactly("do a", "hang hang", "undo hang", "undo a");
    }

    @Test
    void failedCompensationEndsRollbackFailedButTheOthersAreStillCompensated() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("sticky").failCompensation().build())
                .step(step("c").build()).step(step("boom").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).rollbackFailed().compensated("c", "a").stillApplied("sticky").hasFailureCount(2)
                .stepHasStatus("sticky", StepStatus.COMPENSATION_FAILED);
        Throwable[] suppressed = r.failure().orElseThrow().getSuppressed();
        assertThat(suppressed).singleElement().isInstanceOfSatisfying(CompensationFailedException.class,
                e -> assertThat(e.stepName()).isEqualTo("sticky"));
        assertThat(r.report().toText()).contains("STILL APPLIED: sticky");
    }

    @Test
    void retriesACompensationBeforeGivingUp() {
        FakeStep wobbly = step("wobbly").failCompensationTimes(2)
                .compensationRetry(RetryPolicy.custom().maxAttempts(3).delay(Duration.ofMillis(1)).build()).build();
        Plan plan = Plan.named("p").step(wobbly).step(step("boom").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().compensated("wobbly");
        assertThat(wobbly.compensations()).isEqualTo(3);
    }

    @Test
    void timesOutAHangingCompensation() {
        Step stuck = Step.named("stuck").action(ctx -> { })
                .compensation(ctx -> {
                    while (!ctx.isCancelled()) {
                        Thread.sleep(5);
                    }
                    throw new InterruptedException("gave up");
                })
                .compensationTimeout(Duration.ofMillis(150)).build();
        Plan plan = Plan.named("p").step(stuck).step(step("boom").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).rollbackFailed().stillApplied("stuck");
        assertThat(r.step("stuck").compensationError().orElseThrow().getCause())
                .isInstanceOf(StepTimeoutException.class);
    }

    @Test
    void parallelCompensationModeCompensatesEverythingAndKeepsTheFailures() {
        Runner parallel = Backstep.runner().stateDir(state).compensation(CompensationMode.PARALLEL).build();
        Plan plan = Plan.named("p").step(step("a").build()).step(step("b").failCompensation().build())
                .step(step("c").build()).step(step("boom").failAlways().build()).build();

        RunResult r = parallel.run(plan);

        assertThat(r).rollbackFailed().compensatedInAnyOrder("a", "c").stillApplied("b").hasFailureCount(2);
    }

    @Test
    void dryRunExecutesNothing(@TempDir Path work) {
        Path marker = work.resolve("marker");
        Step writes = Step.named("write").action(ctx -> java.nio.file.Files.writeString(marker, "x"))
                .compensation(ctx -> java.nio.file.Files.deleteIfExists(marker)).describe("write " + marker).build();
        FakeStep fake = step("fake").build();
        FakeStep check = step("check").verification().build();
        Plan plan = Plan.named("p").step(writes).step(fake).verify(check).build();

        dev.backstep.DryRun preview = runner().dryRun(plan);

        assertThat(marker).doesNotExist();
        assertThat(fake.executions()).isZero();
        assertThat(check.executions()).isZero();
        assertThat(trace.entries()).isEmpty();
        assertThat(events.events()).isEmpty();
        assertThat(preview.valid()).isTrue();
        assertThat(preview.toText()).contains("write " + marker).contains("nothing will be executed");
    }

    @Test
    void dryRunReportsInvalidStepsWithoutRunningAny() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("tag").invalid("ref 'v9' does not exist").build())
                .build();

        dev.backstep.DryRun preview = runner().dryRun(plan);

        assertThat(preview.valid()).isFalse();
        assertThat(preview.problems()).singleElement().asString().contains("tag").contains("ref 'v9' does not exist");
        assertThat(trace.entries()).isEmpty();
    }

    @Test
    void invalidStepStopsTheRunBeforeAnythingChanges() {
        Journal journal = Journal.inMemory();
        Runner r = Backstep.runner().stateDir(state).journal(journal).build();
        Plan plan = Plan.named("p").step(step("a").build()).step(step("b").invalid("no such file /x").build())
                .step(step("c").invalid("bad ref").build()).build();

        assertThatThrownBy(() -> r.run(plan)).isInstanceOf(StepValidationException.class)
                .hasMessageContaining("no such file /x")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("bad ref"));
        assertThat(trace.entries()).isEmpty();
        assertThat(journal.runIds()).isEmpty();
    }

    @Test
    void listenerFailuresNeverBreakARun() {
        RunListener throwing = new RunListener() {
            @Override
            public void onStepStart(RunEvent.StepStarted event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onRunEnd(RunEvent.RunFinished event) {
                throw new IllegalStateException("listener bug");
            }
        };
        Runner r = Backstep.runner().stateDir(state).listener(throwing).listener(events).build();
        Plan plan = Plan.named("p").step(step("a").build()).step(step("b").failAlways().build()).build();

        assertThat(r.run(plan)).rolledBack().compensated("a");
        assertThat(events.names()).contains("RunFinished");
    }

    @Test
    void listenerSeesStartEndPairsInOrder() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("b").failAlways().build()).build();

        runner().run(plan);

        assertThat(events.names()).containsExactly("RunStarted", "StepStarted:a", "StepFinished:a", "StepStarted:b",
                "StepFinished:b", "RollbackStarted", "CompensationStarted:a", "CompensationFinished:a", "RunFinished");
    }

    @Test
    void journalsEveryEventInOrderWithUndoData() {
        Journal journal = Journal.inMemory();
        Runner r = Backstep.runner().stateDir(state).journal(journal).build();
        Plan plan = Plan.named("p").step(step("a").build()).step(step("b").failAlways().build()).build();

        RunResult result = r.run(plan);

        List<JournalRecord> records = journal.read(result.runId());
        assertThat(records).extracting(JournalRecord::type).containsExactly(
                JournalRecord.Type.RUN_STARTED,
                JournalRecord.Type.STEP_STARTED, JournalRecord.Type.STEP_RECORDED, JournalRecord.Type.STEP_SUCCEEDED,
                JournalRecord.Type.STEP_STARTED, JournalRecord.Type.STEP_FAILED,
                JournalRecord.Type.ROLLBACK_STARTED,
                JournalRecord.Type.COMPENSATION_STARTED, JournalRecord.Type.COMPENSATION_SUCCEEDED,
                JournalRecord.Type.RUN_FINISHED);
        assertThat(records).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L,
                9L);
        assertThat(records.get(2).data()).containsEntry("key", "fake").containsEntry("value", "a");
        assertThat(records.get(9).data()).containsEntry("status", "ROLLED_BACK");
    }

    @Test
    void undoDataRecordedBeforeAFailureReachesTheCompensation() {
        AtomicReference<String> seen = new AtomicReference<>();
        Step half = Step.named("half").action(ctx -> {
            ctx.record("previous", "v1.2.0");
            throw new IllegalStateException("crashed after recording");
        }).compensation(ctx -> seen.compareAndSet(null, ctx.recorded("previous").orElse("missing"))).build();
        Step first = Step.named("first").action(ctx -> ctx.record("k", "v"))
                .compensation(ctx -> seen.compareAndSet(null, ctx.recorded("k").orElseThrow())).build();
        Plan plan = Plan.named("p").step(first).step(half).build();

        RunResult r = runner().run(plan);

        // recorded, then threw: outcome unknown, so it is compensated first, from what it recorded
        assertThat(r).rolledBack().compensated("half", "first");
        assertThat(seen.get()).isEqualTo("v1.2.0");
        assertThat(r.step("half").recorded()).containsEntry("previous", "v1.2.0");
    }

    @Test
    void aRetryCannotReplaceWhatTheFirstAttemptCaptured(@TempDir Path work) throws Exception {
        Path file = work.resolve("VERSION");
        java.nio.file.Files.writeString(file, "1.0");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Step flaky = Step.named("write version")
                .action(ctx -> {
                    ctx.record("previous", java.nio.file.Files.readString(file));
                    java.nio.file.Files.writeString(file, "1.1");
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("failed after writing");
                    }
                })
                .compensation(ctx -> java.nio.file.Files.writeString(file, ctx.recorded("previous").orElseThrow()))
                .retry(RetryPolicy.custom().maxAttempts(2).delay(Duration.ofMillis(1)).build()).build();
        Plan plan = Plan.named("p").step(flaky).verify(step("health").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().compensated("write version");
        assertThat(r.step("write version").recorded()).containsEntry("previous", "1.0");
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("1.0");
    }

    @Test
    void lambdaStepsCanDescribeTheirResourcesForARehearsal(@TempDir Path work) throws Exception {
        Path file = work.resolve("VERSION");
        java.nio.file.Files.writeString(file, "1.0");
        Step write = Step.named("write version")
                .action(ctx -> {
                    ctx.record("previous", java.nio.file.Files.readString(file));
                    java.nio.file.Files.writeString(file, "1.1");
                })
                .compensation(ctx -> java.nio.file.Files.writeString(file, ctx.recorded("previous").orElseThrow()))
                .fingerprint(ctx -> List.of(new dev.backstep.Fingerprint("file:" + file,
                        java.util.Map.of("content", java.nio.file.Files.readString(file)))))
                .build();

        dev.backstep.Rehearsal rehearsal = runner().rehearse(Plan.named("p").step(write).build());

        assertThat(rehearsal).restoredExactly().reapplied();
        assertThat(rehearsal.before()).singleElement().satisfies(f -> assertThat(f.facts()).containsEntry("content", "1.0"));
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("1.1");
    }

    @Test
    void aCommandKilledAtItsTimeoutIsCompensatedButOneThatExitedNonZeroIsNot(@TempDir Path work) {
        Path killedUndo = work.resolve("killed-undo");
        Path failedUndo = work.resolve("failed-undo");
        Plan killed = Plan.named("killed").step(dev.backstep.Command.of("sleep", "30")
                .timeout(Duration.ofMillis(200)).compensatedBy("touch", killedUndo.toString()).withName("slow migrate"))
                .build();
        Plan failed = Plan.named("failed").step(dev.backstep.Command.of("false")
                .compensatedBy("touch", failedUndo.toString()).withName("broken migrate")).build();

        assertThat(runner().run(killed)).rolledBack().compensated("slow migrate");
        assertThat(runner().run(failed)).rolledBack().compensated();

        assertThat(killedUndo).exists();
        assertThat(failedUndo).doesNotExist();
    }

    @Test
    void recoverCompensatesAStepThatTimedOutJustBeforeTheProcessDied() throws Exception {
        Journal full = Journal.inMemory();
        FakeStep slow = step("slow").hang().timeout(Duration.ofMillis(100)).build();
        RunResult done = Backstep.runner().stateDir(state).journal(full).build()
                .run(Plan.named("p").step(step("a").build()).step(slow).build());
        List<JournalRecord> records = full.read(done.runId());
        int failedAt = 0;
        while (records.get(failedAt).type() != JournalRecord.Type.STEP_FAILED) {
            failedAt++;
        }
        assertThat(records.get(failedAt).data()).containsEntry("outcome", "unknown");
        Journal crashed = Journal.inMemory();
        records.subList(0, failedAt + 1).forEach(crashed::append);

        dev.backstep.Recovery recovery = Backstep.runner().stateDir(state).journal(crashed).build()
                .recover(Plan.named("p").step(step("a").build()).step(slow).build());

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("slow", "a"));
    }

    @Test
    void interruptedRunStopsWithoutCompensatingAndSaysSo() throws Exception {
        FakeStep hanging = step("hang").hang().build();
        Plan plan = Plan.named("p").step(step("a").build()).step(hanging).build();
        AtomicReference<RunResult> result = new AtomicReference<>();
        Runner r = runner();
        Thread t = new Thread(() -> result.set(r.run(plan)));
        t.start();
        while (!trace.entries().contains("hang hang")) {
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(10_000);

        assertThat(result.get()).interrupted().compensated().stillApplied("a", "hang");
        assertThat(result.get().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(trace.entries()).doesNotContain("undo a");
    }

    @Test
    void reportRendersATableAndJson() {
        Plan plan = Plan.named("p").step(step("a").build()).step(step("b").failAlways().build()).build();

        RunResult r = runner().run(plan);

        assertThat(r.report().toText()).contains("ROLLED_BACK").contains("COMPENSATED").contains("compensated, in order: a");
        assertThat(r.report().toJson()).startsWith("{\"runId\":\"" + r.runId() + "\"")
                .contains("\"status\":\"ROLLED_BACK\"").contains("\"failedStep\":\"b\"")
                .contains("\"compensated\":[\"a\"]");
    }

    @Test
    void afterRollbackStepsAndChecksRunAfterEveryCompensation() {
        Plan plan = Plan.named("deploy").step(step("a").build()).step(step("b").failOnCall(1).build())
                .afterRollback(step("restart").build())
                .verifyAfterRollback(step("health again").build())
                .build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().compensated("a").ranAfterRollback("restart", "health again");
        assertThat(trace.entries()).containsExactly("do a", "fail b", "undo a", "do restart", "do health again");
        assertThatThrownBy(() -> assertThat(r).ranAfterRollback("restart"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("[restart, health again]");
    }
}
