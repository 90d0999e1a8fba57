package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.StepKind;
import dev.backstep.StepStatus;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each rule of the one run model, on hand-made journal records. */
class RunStateTest {
    private static final RunId RUN = RunId.of("20261203-180000.000-00000000aa");
    private final List<JournalRecord> records = new ArrayList<>();

    private RunStateTest rec(Type type, String step, String... keyValues) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            data.put(keyValues[i], keyValues[i + 1]);
        }
        records.add(new JournalRecord(RUN, records.size(), Instant.parse("2026-12-03T18:00:00Z").plusSeconds(
                records.size()), type, Optional.ofNullable(step), data));
        return this;
    }

    private RunStateTest runStarted() {
        return rec(Type.RUN_STARTED, null, "plan", "deploy", "target", "shop@prod", "host", "web-1");
    }

    private RunStateTest started(String step, int stage, String kind, int attempt) {
        return rec(Type.STEP_STARTED, step, "kind", kind, "type", "custom", "stage", Integer.toString(stage),
                "attempt", Integer.toString(attempt));
    }

    private RunStateTest succeeded(String step) {
        return rec(Type.STEP_SUCCEEDED, step, "attempts", "1");
    }

    private RunState fold() {
        return RunState.fold(records);
    }

    private static List<String> applied(RunState s) {
        return s.applied().stream().map(RunState.Step::name).toList();
    }

    @Test
    void aStepThatRecordedUndoDataThenThrewIsAppliedAndNeedsCompensation() {
        runStarted().started("migrate", 0, "COMPENSATABLE", 1)
                .rec(Type.STEP_RECORDED, "migrate", "key", "previous", "value", "v1")
                .rec(Type.STEP_FAILED, "migrate", "error", "boom", "attempts", "1", "outcome", "unknown");

        RunState s = fold();

        assertThat(s.step("migrate").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.step("migrate").orElseThrow().recorded()).containsEntry("previous", "v1");
        assertThat(applied(s)).containsExactly("migrate");
    }

    @Test
    void aStepThatThrewWithoutAnUnknownOutcomeIsNotApplied() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a")
                .started("b", 1, "COMPENSATABLE", 1).rec(Type.STEP_FAILED, "b", "error", "boom", "attempts", "1");

        assertThat(applied(fold())).containsExactly("a");
    }

    @Test
    void aStepStartedRecordOfARollbackStepNeverMakesAStepApplied() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).rec(Type.STEP_FAILED, "a", "error", "x")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "a failed")
                .rec(Type.STEP_STARTED, "restart", RollbackHooks.MARK, "afterRollback", "kind", "COMPENSATABLE",
                        "type", "command", "attempt", "1");

        RunState s = fold();

        assertThat(s.steps).containsOnlyKeys("a");
        assertThat(applied(s)).isEmpty();
        assertThat(s.rollbackSteps.get("restart").status()).isEqualTo(StepStatus.INTERRUPTED);
        assertThat(s.rollbackSteps.get("restart").stage()).isEqualTo(-1);
    }

    @Test
    void aRollbackStepOfTheSameNameAsARunStepLeavesTheRunStepAsItWas() {
        runStarted().started("restart", 0, "COMPENSATABLE", 1).rec(Type.STEP_FAILED, "restart", "error", "x")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "restart failed")
                .rec(Type.STEP_STARTED, "restart", RollbackHooks.MARK, "afterRollback", "kind", "COMPENSATABLE",
                        "type", "command", "attempt", "1")
                .rec(Type.STEP_SUCCEEDED, "restart", RollbackHooks.MARK, "afterRollback", "attempts", "1");

        RunState s = fold();

        assertThat(s.step("restart").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.rollbackSteps.get("restart").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(applied(s)).isEmpty();
    }

    @Test
    void aSkippedCompensationKeepsTheStepInEffectButNeverCompensatesItAgain() {
        runStarted().started("notify", 0, "COMPENSATABLE", 1).succeeded("notify")
                .started("check", 1, "VERIFICATION", 1).rec(Type.STEP_FAILED, "check", "error", "down")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "check failed")
                .rec(Type.COMPENSATION_SKIPPED, "notify", "reason", "irreversible: mail sent");

        RunState s = fold();
        RunState.Step notify = s.step("notify").orElseThrow();

        assertThat(notify.status()).isEqualTo(StepStatus.NOT_COMPENSATED);
        assertThat(notify.note()).isEqualTo("irreversible: mail sent");
        assertThat(notify.inEffect()).isTrue();
        assertThat(notify.needsCompensation()).isFalse();
        assertThat(applied(s)).isEmpty();
    }

    @Test
    void aSkippedPivotStaysThePointOfNoReturn() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a").started("switch", 1, "PIVOT", 1)
                .succeeded("switch").started("b", 2, "COMPENSATABLE", 1).succeeded("b")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "later")
                .rec(Type.COMPENSATION_SKIPPED, "switch", "reason", "kept: pivot");

        RunState s = fold();

        assertThat(s.pivotStage()).isEqualTo(1);
        assertThat(s.appliedPivots()).containsExactly("switch");
        assertThat(applied(s)).containsExactly("a", "b");
    }

    @Test
    void anInterruptedRunIsUnfinishedAndItsRunningStepMayBeApplied() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a").started("b", 1, "COMPENSATABLE", 1);

        RunState s = fold();

        assertThat(s.step("b").orElseThrow().status()).isEqualTo(StepStatus.INTERRUPTED);
        assertThat(applied(s)).containsExactly("a", "b");
        assertThat(s.unfinished()).isTrue();
        assertThat(s.needsRecovery()).isTrue();
        assertThat(s.summary().status()).isEmpty();
        assertThat(s.summary().isApplied()).isTrue();
    }

    @Test
    void aRunFinishedInterruptedNeedsRecoveryAndAnInterruptedStepFailureLeavesTheStepApplied() {
        runStarted().started("a", 0, "COMPENSATABLE", 1)
                .rec(Type.STEP_FAILED, "a", "error", "interrupted", "interrupted", "true")
                .rec(Type.RUN_FINISHED, null, "status", "INTERRUPTED");

        RunState s = fold();

        assertThat(s.unfinished()).isFalse();
        assertThat(s.needsRecovery()).isTrue();
        assertThat(s.step("a").orElseThrow().status()).isEqualTo(StepStatus.INTERRUPTED);
        assertThat(applied(s)).containsExactly("a");
    }

    @Test
    void aFailureOfUnknownOutcomeThatNoRollbackReachedIsStillApplied() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a").started("b", 1, "COMPENSATABLE", 1)
                .rec(Type.STEP_FAILED, "b", "error", "cut off", "outcome", "unknown")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "b failed")
                .rec(Type.RUN_FINISHED, null, "status", "INTERRUPTED");

        RunState s = fold();

        assertThat(s.step("b").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.stillApplied(List.of(RunState.Step.notRun("a", StepKind.COMPENSATABLE),
                RunState.Step.notRun("b", StepKind.COMPENSATABLE)))).containsExactly("a", "b");
    }

    @Test
    void aRunWhoseCompensationFailedIsNotRolledBackAndItsStepStaysApplied() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a").started("b", 1, "COMPENSATABLE", 1)
                .succeeded("b").started("c", 2, "COMPENSATABLE", 1).rec(Type.STEP_FAILED, "c", "error", "x")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "c failed")
                .rec(Type.COMPENSATION_STARTED, "b", "attempt", "1")
                .rec(Type.COMPENSATION_FAILED, "b", "error", "disk full")
                .rec(Type.COMPENSATION_STARTED, "a", "attempt", "1")
                .rec(Type.COMPENSATION_SUCCEEDED, "a", "attempts", "1")
                .rec(Type.RUN_FINISHED, null, "status", "ROLLBACK_FAILED");

        RunState s = fold();

        assertThat(s.step("b").orElseThrow().status()).isEqualTo(StepStatus.COMPENSATION_FAILED);
        assertThat(s.step("a").orElseThrow().status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(applied(s)).containsExactly("b");
        assertThat(s.summary().status()).contains(RunStatus.ROLLBACK_FAILED);
        assertThat(s.summary().isApplied()).isTrue();
        assertThat(s.needsRecovery()).isFalse();
    }

    @Test
    void aRollbackEndsBackToItsKeptPivotUnlessACompensationFailedOrItWasInterrupted() {
        runStarted().started("switch", 0, "PIVOT", 1).succeeded("switch").started("b", 1, "COMPENSATABLE", 1)
                .succeeded("b").rec(Type.ROLLBACK_STARTED, null, "reason", "asked")
                .rec(Type.COMPENSATION_SKIPPED, "switch", "reason", "kept: pivot");
        RunState s = fold();

        assertThat(s.rollbackStatus(false, false)).isEqualTo(RunStatus.FAILED_AFTER_PIVOT);
        assertThat(s.rollbackStatus(false, true)).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(s.rollbackStatus(true, true)).isEqualTo(RunStatus.INTERRUPTED);

        records.clear();
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a");
        assertThat(fold().rollbackStatus(false, false)).isEqualTo(RunStatus.ROLLED_BACK);
    }

    @Test
    void anInterruptedCompensationLeavesTheStepAsItWas() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a")
                .rec(Type.ROLLBACK_STARTED, null, "reason", "asked")
                .rec(Type.COMPENSATION_STARTED, "a", "attempt", "1")
                .rec(Type.COMPENSATION_FAILED, "a", "error", "interrupted", "interrupted", "true");

        RunState s = fold();

        assertThat(s.step("a").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(applied(s)).containsExactly("a");
        assertThat(s.unfinished()).isTrue();
    }

    @Test
    void aRetriedAttemptKeepsTheStepRunningAndWhatTheFirstAttemptRecorded() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).rec(Type.STEP_RECORDED, "a", "key", "head", "value", "abc")
                .rec(Type.STEP_FAILED, "a", "error", "flaky", "attempt", "1", "retrying", "true")
                .started("a", 0, "COMPENSATABLE", 2);

        RunState.Step a = fold().step("a").orElseThrow();

        assertThat(a.status()).isEqualTo(StepStatus.INTERRUPTED);
        assertThat(a.attempts()).isEqualTo(2);
        assertThat(a.recordedBefore("head", 2)).isTrue();
        assertThat(a.recordedBefore("head", 1)).isFalse();
    }

    @Test
    void aRollbackClearsTheRunStatusUntilItFinishesAndAGoodMarkCountsOnlyWhileSucceeded() {
        runStarted().started("a", 0, "COMPENSATABLE", 1).succeeded("a").rec(Type.RUN_FINISHED, null, "status",
                "SUCCEEDED").rec(Type.RUN_MARKED_GOOD, null);
        assertThat(fold().summary().good()).isTrue();

        rec(Type.ROLLBACK_STARTED, null, "reason", "asked");
        assertThat(fold().unfinished()).isTrue();
        assertThat(fold().summary().good()).isFalse();

        rec(Type.COMPENSATION_STARTED, "a", "attempt", "1").rec(Type.COMPENSATION_SUCCEEDED, "a", "attempts", "1")
                .rec(Type.RUN_FINISHED, null, "status", "ROLLED_BACK");
        RunState s = fold();
        assertThat(s.summary().status()).contains(RunStatus.ROLLED_BACK);
        assertThat(s.summary().isApplied()).isFalse();
        assertThat(applied(s)).isEmpty();
    }

    @Test
    void applyReturnsANewStateAndLeavesTheOldOneAsItWas() {
        runStarted().started("a", 0, "COMPENSATABLE", 1);
        RunState before = fold();

        RunState after = before.apply(new JournalRecord(RUN, 2, Instant.EPOCH, Type.STEP_SUCCEEDED, Optional.of("a"),
                Map.of("attempts", "1")));

        assertThat(before.step("a").orElseThrow().status()).isEqualTo(StepStatus.INTERRUPTED);
        assertThat(before.lastSequence).isEqualTo(1);
        assertThat(after.step("a").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(after.lastSequence).isEqualTo(2);
    }

    @Test
    void aStepRecordBeforeItsStepStartedIsCorruptionNotAGuess() {
        runStarted().rec(Type.STEP_SUCCEEDED, "ghost", "attempts", "1");

        assertThatThrownBy(this::fold).isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("ghost").hasMessageContaining("no STEP_STARTED");
    }

    @Test
    void aRecordBeforeTheRunStartedIsCorruption() {
        started("a", 0, "COMPENSATABLE", 1);

        assertThatThrownBy(this::fold).isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("before the RUN_STARTED record");
    }

    @Test
    void foldingNoRecordIsRefused() {
        assertThatThrownBy(() -> RunState.fold(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
