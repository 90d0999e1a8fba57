package dev.backstep.internal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.StepKind;
import dev.backstep.StepOutcome;
import dev.backstep.StepStatus;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one model of a run: what its journal records, folded in sequence order, say each step did
 * and where the run stands. The live run folds every record it appends into its state
 * ({@link RunJournal}), and {@code rollback}, {@code recover}, {@code history} and summaries fold
 * the records they read: both go through {@link #apply}, so replay cannot disagree with the run
 * that wrote the journal. Every rule about a run lives here: which steps are applied and need
 * compensation ({@link Step#needsCompensation()}), which pivot is kept ({@link #pivotStage()}),
 * how a rollback ends ({@link #rollbackStatus}), whether a run is unfinished
 * ({@link #needsRecovery()}) and how it sums up ({@link #summary()}).
 *
 * <p>A record that cannot be folded without guessing (a missing plan, status or step name, an
 * unknown kind, a step record before its step started) makes the whole run a
 * {@link JournalCorruptedException}: a guessed value could undo the wrong thing or skip an undo.
 * Records of a rollback's last phase ({@link RollbackHooks#MARK}) never make a step applied: they
 * are kept apart, in {@link #rollbackSteps}, for that phase's own outcomes.
 *
 * <p>Immutable: {@link #apply} returns a new state and leaves the receiver as it was, so a state
 * can be read by any thread while the run goes on.
 *
 * <pre>{@code
 * RunState run = RunState.fold(journal.read(runId));
 * List<RunState.Step> toUndo = run.applied(); // in the order they started
 * RunState next = run.apply(record);           // run is unchanged
 * }</pre>
 */
final class RunState {
    private static final Journal NAMELESS = new InMemoryJournal();

    final RunId runId;
    /** Null until the RUN_STARTED record. */
    final String planName;
    final String target;
    final String stateDir;
    /** The host that ran it, when journaled. */
    final String host;
    final Instant startedAt;
    final Instant endedAt;
    /** Latest RUN_FINISHED status, cleared again by a later ROLLBACK_STARTED; null while unfinished. */
    final RunStatus status;
    final boolean markedGood;
    /** The run's place among the runs of its target ({@link RunOrder}); 0 for runs journaled before places. */
    final long order;
    final long lastSequence;
    /** The data of the RUN_STARTED record (the rollback steps' definitions among them). */
    final Map<String, String> runData;
    /** The steps that started, in the order they first started. */
    final Map<String, Step> steps;
    /** The steps of the latest rollback's last phase (after-rollback steps and checks): never applied. */
    final Map<String, Step> rollbackSteps;

    /**
     * One step as its records say. {@code recordedIn} holds, per recorded key, the attempt that
     * recorded it first (what an earlier attempt captured is never replaced by a retry).
     */
    record Step(String name, StepKind kind, String type, int stage, boolean hostIndependent, StepStatus status,
                int attempts, Instant startedAt, Instant endedAt, String note, String summary, boolean unknownOutcome,
                Map<String, String> recorded, Map<String, Integer> recordedIn, Instant compensationStartedAt,
                Instant compensationEndedAt) {

        /** True when the step's change is, or may be, in place: also a failure cut off halfway. */
        boolean inEffect() {
            return status.isApplied() || (status == StepStatus.FAILED && unknownOutcome);
        }

        /**
         * True when a rollback must compensate it: in effect, not a verification (which changes
         * nothing), and not kept on purpose ({@link StepStatus#NOT_COMPENSATED}).
         */
        boolean needsCompensation() {
            return kind != StepKind.VERIFICATION && status != StepStatus.NOT_COMPENSATED && inEffect();
        }

        /** True for a pivot that succeeded and stays: nothing at or before its stage is compensated. */
        boolean keptPivot() {
            return kind == StepKind.PIVOT && (status == StepStatus.SUCCEEDED || status == StepStatus.NOT_COMPENSATED);
        }

        /** Whether {@code key} was recorded by an attempt before {@code attempt}. */
        boolean recordedBefore(String key, int attempt) {
            Integer first = recordedIn.get(key);
            return first != null && first < attempt;
        }

        /** The step's outcome, with the exceptions the live run saw (the journal keeps their messages only). */
        StepOutcome outcome(Throwable error, Throwable compensationError) {
            return new StepOutcome(name, kind, status, Optional.ofNullable(startedAt), Optional.ofNullable(endedAt),
                    attempts, Optional.ofNullable(error), Optional.ofNullable(compensationStartedAt),
                    Optional.ofNullable(compensationEndedAt), Optional.ofNullable(compensationError),
                    Optional.ofNullable(note), Optional.ofNullable(summary), recorded);
        }

        /** A step that never started. */
        static StepOutcome notRun(String name, StepKind kind) {
            return new StepOutcome(name, kind, StepStatus.NOT_RUN, Optional.empty(), Optional.empty(), 0,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Map.of());
        }
    }

    private RunState(Draft d) {
        runId = d.runId;
        planName = d.planName;
        target = d.target;
        stateDir = d.stateDir;
        host = d.host;
        startedAt = d.startedAt;
        endedAt = d.endedAt;
        status = d.status;
        markedGood = d.markedGood;
        order = d.order;
        lastSequence = d.lastSequence;
        runData = d.runData;
        steps = Collections.unmodifiableMap(d.steps);
        rollbackSteps = Collections.unmodifiableMap(d.rollbackSteps);
    }

    /** A run of which no record is folded yet. */
    static RunState empty(RunId runId) {
        Draft d = new Draft();
        d.runId = runId;
        return new RunState(d);
    }

    /**
     * Folds the records of one run, in sequence order.
     *
     * @throws IllegalArgumentException when {@code records} is empty (nothing names the run)
     * @throws JournalCorruptedException for a record that cannot be folded without guessing
     */
    static RunState fold(List<JournalRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no record to fold: nothing names the run");
        }
        return fold(records.get(0).runId(), records, NAMELESS);
    }

    /**
     * Folds the records of run {@code runId}, in sequence order.
     *
     * @param journal where the records come from; names the place of a malformed record
     * @throws JournalCorruptedException (from {@link Journal#corrupted}) for a record that breaks
     *     {@link RecordRules} or comes out of order: nothing is guessed
     */
    static RunState fold(RunId runId, List<JournalRecord> records, Journal journal) {
        RunState s = empty(runId);
        for (JournalRecord rec : records) {
            s = s.apply(rec, journal);
        }
        return s;
    }

    /**
     * This state with {@code rec} folded in; this state is unchanged.
     *
     * @throws JournalCorruptedException when {@code rec} cannot be folded after the records so far
     */
    RunState apply(JournalRecord rec) {
        return apply(rec, NAMELESS);
    }

    private RunState apply(JournalRecord rec, Journal journal) {
        Optional<String> problem = problem(rec);
        if (problem.isPresent()) {
            throw journal.corrupted(rec, problem.get());
        }
        Draft d = new Draft(this);
        d.apply(rec);
        return new RunState(d);
    }

    /** What is wrong with folding {@code rec} after the records so far, or empty when it folds. */
    Optional<String> problem(JournalRecord rec) {
        if (isRollbackStep(rec)) {
            return Optional.empty(); // a rollback's last phase: folded apart, never applied
        }
        return RecordRules.problem(rec).or(() -> outOfOrder(rec));
    }

    private static boolean isRollbackStep(JournalRecord rec) {
        return rec.get(RollbackHooks.MARK).isPresent();
    }

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
        if (s != null && (!s.kind.name().equals(rec.data().get(Keys.KIND)) || !s.type.equals(rec.data().get(Keys.TYPE))
                || s.stage != Integer.parseInt(rec.data().get(Keys.STAGE)))) {
            return Optional.of("STEP_STARTED of step '" + s.name + "' with another kind, type or stage than its"
                    + " first attempt");
        }
        return Optional.empty();
    }

    Optional<Step> step(String name) {
        return Optional.ofNullable(steps.get(name));
    }

    /** True when no RUN_FINISHED closes the latest forward run or rollback. */
    boolean unfinished() {
        return status == null;
    }

    /** True when the run must be finished by recovery: it never finished, or it was interrupted. */
    boolean needsRecovery() {
        return unfinished() || status == RunStatus.INTERRUPTED;
    }

    /** Steps a rollback must compensate ({@link Step#needsCompensation()}), in the order they started. */
    List<Step> applied() {
        return steps.values().stream().filter(Step::needsCompensation).toList();
    }

    /** The stage of the last kept pivot ({@link Step#keptPivot()}), or -1. */
    int pivotStage() {
        return steps.values().stream().filter(Step::keptPivot).mapToInt(Step::stage).max().orElse(-1);
    }

    /** Names of the kept pivots. */
    List<String> appliedPivots() {
        return steps.values().stream().filter(Step::keptPivot).map(Step::name).toList();
    }

    /**
     * How a rollback of this run ends once its compensations ran (before its after-rollback
     * phase): interrupted, failed, back to before the run, or back to its kept pivot.
     *
     * @param interrupted an interrupt or a lost lock stopped the compensations
     * @param compensationFailed a compensation failed after its retries
     */
    RunStatus rollbackStatus(boolean interrupted, boolean compensationFailed) {
        return interrupted ? RunStatus.INTERRUPTED
                : compensationFailed ? RunStatus.ROLLBACK_FAILED
                : pivotStage() >= 0 ? RunStatus.FAILED_AFTER_PIVOT : RunStatus.ROLLED_BACK;
    }

    /** The run as history lists it. */
    /**
     * The steps whose change is, or may be, still in place (verifications change nothing), in the
     * order of {@code inOrder}: what a result reports as still applied.
     */
    List<String> stillApplied(List<dev.backstep.StepOutcome> inOrder) {
        return inOrder.stream().map(dev.backstep.StepOutcome::name).filter(n -> {
            Step s = steps.get(n);
            return s != null && s.kind() != StepKind.VERIFICATION && s.inEffect();
        }).toList();
    }

    RunSummary summary() {
        return new RunSummary(runId, planName, target, Optional.ofNullable(status), startedAt,
                Optional.ofNullable(endedAt), markedGood && status == RunStatus.SUCCEEDED);
    }

    /** Where the fold is while it builds the next state: the only place fields are assigned. */
    private static final class Draft {
        RunId runId;
        String planName;
        String target;
        String stateDir;
        String host;
        Instant startedAt;
        Instant endedAt;
        RunStatus status;
        boolean markedGood;
        long order;
        long lastSequence = -1;
        Map<String, String> runData = Map.of();
        Map<String, Step> steps = new LinkedHashMap<>();
        Map<String, Step> rollbackSteps = new LinkedHashMap<>();

        Draft() {
        }

        Draft(RunState s) {
            runId = s.runId;
            planName = s.planName;
            target = s.target;
            stateDir = s.stateDir;
            host = s.host;
            startedAt = s.startedAt;
            endedAt = s.endedAt;
            status = s.status;
            markedGood = s.markedGood;
            order = s.order;
            lastSequence = s.lastSequence;
            runData = s.runData;
            steps = new LinkedHashMap<>(s.steps);
            rollbackSteps = new LinkedHashMap<>(s.rollbackSteps);
        }

        /** Caller checked {@code rec} with {@link RunState#problem}. */
        void apply(JournalRecord rec) {
            lastSequence = rec.sequence();
            if (isRollbackStep(rec)) {
                rollbackStep(rec);
                return;
            }
            String name = rec.step().orElse(null);
            Step s = name == null ? null : steps.get(name);
            switch (rec.type()) {
                case RUN_STARTED -> {
                    planName = rec.data().get(Keys.PLAN);
                    target = rec.data().get(Keys.TARGET);
                    stateDir = rec.get(Keys.STATE_DIR).orElse(null);
                    runData = Map.copyOf(rec.data());
                    order = RunOrder.placeOf(rec);
                    host = rec.get(Keys.HOST).orElse(null);
                    startedAt = rec.at();
                }
                case STEP_STARTED -> {
                    int attempt = Integer.parseInt(rec.data().get(Keys.ATTEMPT));
                    if (s == null) {
                        s = new Step(name, StepKind.valueOf(rec.data().get(Keys.KIND)), rec.data().get(Keys.TYPE),
                                Integer.parseInt(rec.data().get(Keys.STAGE)),
                                "true".equals(rec.get(Keys.HOST_INDEPENDENT).orElse(null)), StepStatus.INTERRUPTED,
                                attempt, rec.at(), null, null, null, false, Map.of(), Map.of(), null, null);
                    } else {
                        // until it ends one way or the other
                        s = with(s, StepStatus.INTERRUPTED, attempt, s.endedAt, s.unknownOutcome);
                    }
                    steps.put(name, s);
                }
                case STEP_RECORDED -> {
                    String key = rec.data().get(Keys.KEY);
                    Map<String, String> recorded = new LinkedHashMap<>(s.recorded);
                    recorded.put(key, rec.data().get(Keys.VALUE));
                    Map<String, Integer> in = new LinkedHashMap<>(s.recordedIn);
                    in.putIfAbsent(key, s.attempts);
                    steps.put(name, new Step(s.name, s.kind, s.type, s.stage, s.hostIndependent, s.status, s.attempts,
                            s.startedAt, s.endedAt, s.note, s.summary, s.unknownOutcome,
                            Collections.unmodifiableMap(recorded), Collections.unmodifiableMap(in),
                            s.compensationStartedAt, s.compensationEndedAt));
                }
                case STEP_SUMMARY -> steps.put(name, new Step(s.name, s.kind, s.type, s.stage, s.hostIndependent,
                        s.status, s.attempts, s.startedAt, s.endedAt, s.note, rec.data().get(Keys.TEXT),
                        s.unknownOutcome, s.recorded, s.recordedIn, s.compensationStartedAt, s.compensationEndedAt));
                case STEP_SUCCEEDED -> steps.put(name, with(s, StepStatus.SUCCEEDED, s.attempts, rec.at(),
                        s.unknownOutcome));
                case STEP_FAILED -> {
                    // a failed attempt that is retried changes nothing yet: the next STEP_STARTED follows
                    if (rec.get(Keys.RETRYING).isEmpty()) {
                        boolean interrupted = rec.get(Keys.INTERRUPTED).isPresent();
                        steps.put(name, with(s, interrupted ? StepStatus.INTERRUPTED : StepStatus.FAILED, s.attempts,
                                rec.at(), "unknown".equals(rec.get(Keys.OUTCOME).orElse(null))));
                    }
                }
                case ROLLBACK_STARTED -> {
                    status = null;
                    rollbackSteps = new LinkedHashMap<>();
                    // each rollback reports its own compensation times
                    steps.replaceAll((k, v) -> compensation(v, v.status, null, null, v.note));
                }
                case COMPENSATION_STARTED -> steps.put(name, compensation(s, s.status,
                        s.compensationStartedAt != null ? s.compensationStartedAt : rec.at(), s.compensationEndedAt,
                        s.note)); // still applied until it succeeds
                case COMPENSATION_SUCCEEDED -> steps.put(name, compensation(s, StepStatus.COMPENSATED,
                        s.compensationStartedAt, rec.at(), s.note));
                case COMPENSATION_FAILED -> {
                    // an interrupted compensation leaves the step as it was: still applied
                    if (rec.get(Keys.INTERRUPTED).isEmpty()) {
                        steps.put(name, compensation(s, StepStatus.COMPENSATION_FAILED, s.compensationStartedAt,
                                rec.at(), s.note));
                    }
                }
                case COMPENSATION_SKIPPED -> steps.put(name, compensation(s, StepStatus.NOT_COMPENSATED,
                        s.compensationStartedAt, s.compensationEndedAt, rec.data().get(Keys.REASON)));
                case RUN_FINISHED -> {
                    status = RunStatus.valueOf(rec.data().get(Keys.STATUS));
                    endedAt = rec.at();
                }
                case RUN_MARKED_GOOD -> markedGood = true;
            }
        }

        /** A rollback-phase record: tolerant, as these steps are never compensated and run again by every rollback. */
        private void rollbackStep(JournalRecord rec) {
            String name = rec.step().orElse(null);
            if (name == null) {
                return;
            }
            Step s = rollbackSteps.get(name);
            int attempt = number(rec.get(Keys.ATTEMPT).orElse(null), s == null ? 1 : s.attempts);
            switch (rec.type()) {
                case STEP_STARTED -> {
                    StepKind kind = "VERIFICATION".equals(rec.data().get(Keys.KIND)) ? StepKind.VERIFICATION
                            : StepKind.COMPENSATABLE;
                    rollbackSteps.put(name, s == null
                            ? new Step(name, kind, rec.data().getOrDefault(Keys.TYPE, ""), -1, true,
                                    StepStatus.INTERRUPTED, attempt, rec.at(), null, null, null, false, Map.of(),
                                    Map.of(), null, null)
                            : with(s, StepStatus.INTERRUPTED, attempt, s.endedAt, false));
                }
                case STEP_SUCCEEDED -> {
                    if (s != null) {
                        rollbackSteps.put(name, with(s, StepStatus.SUCCEEDED, s.attempts, rec.at(), false));
                    }
                }
                case STEP_FAILED -> {
                    if (s != null && rec.get(Keys.RETRYING).isEmpty()) {
                        rollbackSteps.put(name, with(s, rec.get(Keys.INTERRUPTED).isPresent() ? StepStatus.INTERRUPTED
                                : StepStatus.FAILED, s.attempts, rec.at(), false));
                    }
                }
                default -> {
                    // nothing else is journaled for them
                }
            }
        }

        private static int number(String v, int otherwise) {
            try {
                return v == null ? otherwise : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }

        private static Step with(Step s, StepStatus status, int attempts, Instant endedAt, boolean unknownOutcome) {
            return new Step(s.name, s.kind, s.type, s.stage, s.hostIndependent, status, attempts, s.startedAt,
                    endedAt, s.note, s.summary, unknownOutcome, s.recorded, s.recordedIn, s.compensationStartedAt,
                    s.compensationEndedAt);
        }

        private static Step compensation(Step s, StepStatus status, Instant started, Instant ended, String note) {
            return new Step(s.name, s.kind, s.type, s.stage, s.hostIndependent, status, s.attempts, s.startedAt,
                    s.endedAt, note, s.summary, s.unknownOutcome, s.recorded, s.recordedIn, started, ended);
        }
    }
}
