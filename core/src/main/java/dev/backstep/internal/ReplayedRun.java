package dev.backstep.internal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.StepKind;
import dev.backstep.StepStatus;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run rebuilt from its journal records: what each step did, and where the run stands now. A
 * record it cannot fold without guessing (a missing plan, status or step name, an unknown kind)
 * makes the whole run a {@link JournalCorruptedException}: a guessed value could undo the wrong
 * thing or skip an undo.
 */
final class ReplayedRun {
    final RunId runId;
    String planName;
    String target;
    String stateDir;
    /** The host that ran it, when journaled. */
    String host;
    Instant startedAt;
    Instant endedAt;
    /** Latest RUN_FINISHED status, cleared again by a later ROLLBACK_STARTED. */
    RunStatus status;
    boolean markedGood;
    /** The run's place among the runs of its target ({@link RunOrder}); 0 for runs journaled before places. */
    long order;
    long lastSequence = -1;
    /** The data of the RUN_STARTED record (the rollback steps' definitions among them). */
    Map<String, String> runData = Map.of();
    final Map<String, Step> steps = new LinkedHashMap<>();

    /** One step as the journal saw it. */
    static final class Step {
        final String name;
        StepKind kind;
        String type;
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

    /**
     * Folds the records of a run (in sequence order) into its state.
     *
     * @param journal where the records come from; names the place of a malformed record
     * @throws JournalCorruptedException (from {@link Journal#corrupted}) for a record that breaks
     *     {@link RecordRules} or comes out of order: nothing is guessed
     */
    static ReplayedRun of(RunId runId, List<JournalRecord> records, Journal journal) {
        ReplayedRun r = new ReplayedRun(runId);
        for (JournalRecord rec : records) {
            if (rec.get(RollbackHooks.MARK).isPresent()) {
                r.lastSequence = rec.sequence(); // a rollback's last phase: never applied, never compensated
                continue;
            }
            Optional<String> problem = RecordRules.problem(rec).or(() -> r.outOfOrder(rec));
            if (problem.isPresent()) {
                throw journal.corrupted(rec, problem.get());
            }
            r.apply(rec);
        }
        return r;
    }

    /** As {@link #of(RunId, List, Journal)}, for records of an in-memory journal. */
    static ReplayedRun of(RunId runId, List<JournalRecord> records) {
        return of(runId, records, Journal.inMemory());
    }

    /** What is wrong with {@code rec} coming after the records applied so far, or empty. */
    private Optional<String> outOfOrder(JournalRecord rec) {
        boolean started = planName != null;
        if (rec.type() == JournalRecord.Type.RUN_STARTED) {
            return started ? Optional.of("a second RUN_STARTED record") : Optional.empty();
        }
        if (!started) {
            return Optional.of(rec.type() + " before the RUN_STARTED record (the run's first record is missing)");
        }
        if (rec.step().isEmpty()) {
            return Optional.empty();
        }
        Step s = steps.get(rec.step().get());
        if (rec.type() != JournalRecord.Type.STEP_STARTED) {
            return s == null ? Optional.of(rec.type() + " of step '" + rec.step().get()
                    + "', which has no STEP_STARTED record before it") : Optional.empty();
        }
        if (s != null && (!s.kind.name().equals(rec.data().get("kind")) || !s.type.equals(rec.data().get("type"))
                || s.stage != Integer.parseInt(rec.data().get("stage")))) {
            return Optional.of("STEP_STARTED of step '" + s.name + "' with another kind, type or stage than its"
                    + " first attempt");
        }
        return Optional.empty();
    }

    /** Caller checked {@code rec} with {@link RecordRules} and {@link #outOfOrder}. */
    private void apply(JournalRecord rec) {
        lastSequence = rec.sequence();
        Step s = rec.step().map(steps::get).orElse(null);
        switch (rec.type()) {
            case RUN_STARTED -> {
                planName = rec.data().get("plan");
                target = rec.data().get("target");
                stateDir = rec.get("stateDir").orElse(null);
                runData = rec.data();
                order = RunOrder.placeOf(rec);
                host = rec.get("host").orElse(null);
                startedAt = rec.at();
            }
            case STEP_STARTED -> {
                if (s == null) {
                    s = new Step(rec.step().get());
                    steps.put(s.name, s);
                    s.kind = StepKind.valueOf(rec.data().get("kind"));
                    s.type = rec.data().get("type");
                    s.hostIndependent = "true".equals(rec.get("hostIndependent").orElse(null));
                    s.stage = Integer.parseInt(rec.data().get("stage"));
                    s.startedAt = rec.at();
                }
                s.attempts = Integer.parseInt(rec.data().get("attempt"));
                s.status = StepStatus.INTERRUPTED;
            }
            case STEP_RECORDED -> s.recorded.put(rec.data().get("key"), rec.data().get("value"));
            case STEP_SUMMARY -> s.summary = rec.data().get("text");
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
                s.note = rec.data().get("reason");
            }
            case RUN_FINISHED -> {
                status = RunStatus.valueOf(rec.data().get("status"));
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
