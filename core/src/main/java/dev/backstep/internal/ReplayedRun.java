package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.StepKind;
import dev.backstep.StepStatus;
import dev.backstep.spi.JournalRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A run rebuilt from its journal records: what each step did, and where the run stands now. */
final class ReplayedRun {
    final RunId runId;
    String planName = "?";
    String target = "?";
    String stateDir;
    /** The host that ran it, when journaled. */
    String host;
    Instant startedAt;
    Instant endedAt;
    /** Latest RUN_FINISHED status, cleared again by a later ROLLBACK_STARTED. */
    RunStatus status;
    boolean markedGood;
    long lastSequence = -1;
    final Map<String, Step> steps = new LinkedHashMap<>();

    /** One step as the journal saw it. */
    static final class Step {
        final String name;
        StepKind kind = StepKind.COMPENSATABLE;
        String type = dev.backstep.Step.CUSTOM_TYPE;
        int stage;
        StepStatus status = StepStatus.NOT_RUN;
        int attempts;
        Instant startedAt;
        Instant endedAt;
        String note;
        String summary;
        boolean unknownOutcome;
        boolean hostIndependent;
        final Map<String, String> recorded = new LinkedHashMap<>();

        Step(String name) {
            this.name = name;
        }
    }

    private ReplayedRun(RunId runId) {
        this.runId = runId;
    }

    static ReplayedRun of(RunId runId, List<JournalRecord> records) {
        ReplayedRun r = new ReplayedRun(runId);
        for (JournalRecord rec : records) {
            r.apply(rec);
        }
        return r;
    }

    private void apply(JournalRecord rec) {
        lastSequence = rec.sequence();
        Step s = rec.step().map(n -> steps.computeIfAbsent(n, Step::new)).orElse(null);
        switch (rec.type()) {
            case RUN_STARTED -> {
                planName = rec.get("plan").orElse("?");
                target = rec.get("target").orElse(planName);
                stateDir = rec.get("stateDir").orElse(null);
                host = rec.get("host").orElse(null);
                startedAt = rec.at();
            }
            case STEP_STARTED -> {
                s.kind = rec.get("kind").map(StepKind::valueOf).orElse(StepKind.COMPENSATABLE);
                s.type = rec.get("type").orElse(dev.backstep.Step.CUSTOM_TYPE);
                s.hostIndependent = "true".equals(rec.get("hostIndependent").orElse(null));
                s.stage = rec.get("stage").map(Integer::parseInt).orElse(0);
                s.attempts = rec.get("attempt").map(Integer::parseInt).orElse(1);
                if (s.startedAt == null) {
                    s.startedAt = rec.at();
                }
                s.status = StepStatus.INTERRUPTED;
            }
            case STEP_RECORDED -> s.recorded.put(rec.get("key").orElse("?"), rec.get("value").orElse(""));
            case STEP_SUMMARY -> s.summary = rec.get("text").orElse(null);
            case STEP_SUCCEEDED -> {
                s.status = StepStatus.SUCCEEDED;
                s.endedAt = rec.at();
            }
            case STEP_FAILED -> {
                boolean retrying = rec.get("retrying").isPresent();
                boolean interrupted = rec.get("interrupted").isPresent();
                if (!retrying) {
                    s.status = interrupted ? StepStatus.INTERRUPTED : StepStatus.FAILED;
                    s.unknownOutcome = "unknown".equals(rec.get("outcome").orElse(null));
                    s.endedAt = rec.at();
                }
            }
            case ROLLBACK_STARTED -> status = null;
            case COMPENSATION_STARTED -> {
                // still applied until it succeeds
            }
            case COMPENSATION_SUCCEEDED -> s.status = StepStatus.COMPENSATED;
            case COMPENSATION_FAILED -> {
                if (rec.get("interrupted").isEmpty()) {
                    s.status = StepStatus.COMPENSATION_FAILED;
                } // an interrupted compensation leaves the step as it was: still applied
            }
            case COMPENSATION_SKIPPED -> {
                s.status = StepStatus.NOT_COMPENSATED;
                s.note = rec.get("reason").orElse("");
            }
            case RUN_FINISHED -> {
                status = rec.get("status").map(RunStatus::valueOf).orElse(RunStatus.INTERRUPTED);
                endedAt = rec.at();
            }
            case RUN_MARKED_GOOD -> markedGood = true;
        }
    }

    /** True when no RUN_FINISHED closes the latest forward run or rollback. */
    boolean unfinished() {
        return status == null;
    }

    /** Steps whose effect is (or may be) in place, verifications excluded. */
    List<Step> applied() {
        List<Step> out = new ArrayList<>();
        for (Step s : steps.values()) {
            boolean mayBeApplied = s.status.isApplied() || (s.status == StepStatus.FAILED && s.unknownOutcome);
            if (s.kind != StepKind.VERIFICATION && mayBeApplied && s.status != StepStatus.NOT_COMPENSATED) {
                out.add(s);
            }
        }
        return out;
    }

    /** The stage of the last succeeded pivot, or -1. */
    int pivotStage() {
        int stage = -1;
        for (Step s : steps.values()) {
            if (s.kind == StepKind.PIVOT && (s.status == StepStatus.SUCCEEDED || s.status == StepStatus.NOT_COMPENSATED)) {
                stage = Math.max(stage, s.stage);
            }
        }
        return stage;
    }

    /** Names of the pivots that succeeded and are still in place. */
    List<String> appliedPivots() {
        List<String> out = new ArrayList<>();
        for (Step s : steps.values()) {
            if (s.kind == StepKind.PIVOT && (s.status == StepStatus.SUCCEEDED || s.status == StepStatus.NOT_COMPENSATED)) {
                out.add(s.name);
            }
        }
        return out;
    }

    RunSummary summary() {
        return new RunSummary(runId, planName, target, Optional.ofNullable(status), startedAt,
                Optional.ofNullable(endedAt), markedGood && status == RunStatus.SUCCEEDED);
    }
}
