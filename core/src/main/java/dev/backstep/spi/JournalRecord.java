package dev.backstep.spi;

import dev.backstep.RunId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One append-only event of a run, as a journal stores it. Data values are short strings; secrets
 * never reach a record. The directory journal stores a record as one JSON line whose {@code v}
 * field is the format version (1), then {@code runId, seq, at, type, step, data} and a
 * {@code crc}; a reader refuses a newer version.
 *
 * <pre>{@code
 * journal.read(runId).stream().filter(r -> r.type() == JournalRecord.Type.STEP_RECORDED).toList();
 * }</pre>
 *
 * @param runId the run
 * @param sequence 0 for the first record of a run, then +1 per record
 * @param at when it happened
 * @param type what happened
 * @param step the step it concerns, empty for run-level records
 * @param data details: see the constants of {@link Type} for the {@link Keys} each type carries
 */
public record JournalRecord(RunId runId, long sequence, Instant at, Type type, Optional<String> step,
                            Map<String, String> data) {

    public JournalRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(step, "step");
        data = Map.copyOf(data);
    }

    /** A data value, if present. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    /**
     * The kinds of journal records, in the order a run produces them. Each constant lists the
     * {@link Keys data keys} Backstep writes for it; "when so" keys are absent otherwise. Readers
     * must ignore keys they do not know (a later version may add some) and never guess a missing
     * one: a record without a key its type always carries is corrupt.
     */
    public enum Type {
        /**
         * Run-level (no step). Data: {@link Keys#PLAN}, {@link Keys#TARGET}, {@link Keys#STEPS}
         * (number of top-level steps), {@link Keys#HOST}, {@link Keys#PID}, {@link Keys#STATE_DIR}
         * (the run's state directory), {@link Keys#ORDER} (when the run took a lock: its place in
         * the target's history), and per rollback step {@code n} of the plan (from 0) the four keys
         * {@link Keys#ROLLBACK_STEP_PREFIX}{@code <n>.}{@code name / verification / type /
         * definition} (definition: a JSON object of strings). A run mirrored from Temporal adds
         * {@code temporalWorkflowId}.
         */
        RUN_STARTED,
        /**
         * Step. Data: {@link Keys#KIND} (a {@code StepKind}), {@link Keys#TYPE} (the step type a
         * registry resolves its compensation by), {@link Keys#STAGE} (index of its stage: steps of
         * one {@code parallel(...)} group share one), {@link Keys#ATTEMPT} (from 1),
         * {@link Keys#HOST_INDEPENDENT} ({@code "true"} when so). A rollback's last-phase steps
         * carry {@link Keys#ROLLBACK_STEP} ({@code afterRollback} or {@code verifyAfterRollback})
         * instead of a stage, here and on their STEP_SUCCEEDED and STEP_FAILED; such records
         * never make a step applied.
         */
        STEP_STARTED,
        /** Step. Data: {@link Keys#KEY}, {@link Keys#VALUE}: undo data, written before the side effect. */
        STEP_RECORDED,
        /** Step. Data: {@link Keys#TEXT}: what the action changed, for reports (secrets masked). */
        STEP_SUMMARY,
        /** Step. Data: {@link Keys#ATTEMPTS} (how many attempts it took); {@link Keys#ROLLBACK_STEP} when so. */
        STEP_SUCCEEDED,
        /**
         * Step. Data: {@link Keys#ERROR} (message, secrets masked), {@link Keys#ERROR_TYPE} (class
         * name); then one of: {@link Keys#ATTEMPTS} and {@link Keys#OUTCOME} ({@code "unknown"}
         * when the action may have half-changed its target) for the final failure;
         * {@link Keys#ATTEMPT} and {@link Keys#RETRYING} ({@code "true"}) for a failed attempt
         * that is retried; {@link Keys#INTERRUPTED} ({@code "true"}, error {@code "interrupted"})
         * when the run was stopped. {@link Keys#ROLLBACK_STEP} when so.
         */
        STEP_FAILED,
        /** Run-level. Data: {@link Keys#REASON} (why rolling back: a failure, a request, recovery). */
        ROLLBACK_STARTED,
        /** Step. Data: {@link Keys#ATTEMPT}. */
        COMPENSATION_STARTED,
        /** Step. Data: {@link Keys#ATTEMPTS}. */
        COMPENSATION_SUCCEEDED,
        /**
         * Step. Data: {@link Keys#ERROR}, {@link Keys#ERROR_TYPE}; {@link Keys#INTERRUPTED}
         * ({@code "true"}) when the rollback was stopped.
         */
        COMPENSATION_FAILED,
        /** Step. Data: {@link Keys#REASON} (irreversible, behind a pivot). */
        COMPENSATION_SKIPPED,
        /** Run-level. Data: {@link Keys#STATUS} (a {@code RunStatus}). */
        RUN_FINISHED,
        /** Run-level, no data: a succeeded run was verified good by the host tool. */
        RUN_MARKED_GOOD
    }

    /**
     * The data keys of journal records (see {@link Type} for which type carries which). All
     * values are strings: numbers in decimal, booleans as {@code "true"}.
     *
     * <pre>{@code
     * String plan = started.data().get(JournalRecord.Keys.PLAN);
     * boolean retried = failed.get(JournalRecord.Keys.RETRYING).isPresent();
     * }</pre>
     */
    public static final class Keys {
        /** RUN_STARTED: the plan's name. */
        public static final String PLAN = "plan";
        /** RUN_STARTED: the plan's target (what the lock is taken on). */
        public static final String TARGET = "target";
        /** RUN_STARTED: the number of top-level steps of the plan. */
        public static final String STEPS = "steps";
        /** RUN_STARTED: the host the run started on. */
        public static final String HOST = "host";
        /** RUN_STARTED: the process id of the run. */
        public static final String PID = "pid";
        /** RUN_STARTED: the run's state directory (backups, evidence). */
        public static final String STATE_DIR = "stateDir";
        /** RUN_STARTED: the run's place in its target's history, when it took a lock. */
        public static final String ORDER = "order";
        /**
         * RUN_STARTED: {@code rollbackStep.<n>.name}, {@code .verification}, {@code .type} and
         * {@code .definition} describe the plan's rollback step {@code n}.
         */
        public static final String ROLLBACK_STEP_PREFIX = "rollbackStep.";
        /** STEP_STARTED, STEP_SUCCEEDED, STEP_FAILED of a rollback's last phase: {@code afterRollback} or {@code verifyAfterRollback}. */
        public static final String ROLLBACK_STEP = "rollbackStep";
        /** STEP_STARTED: the step's kind. */
        public static final String KIND = "kind";
        /** STEP_STARTED: the step's type. */
        public static final String TYPE = "type";
        /** STEP_STARTED: the index of the step's stage. */
        public static final String STAGE = "stage";
        /** STEP_STARTED, COMPENSATION_STARTED, a retried STEP_FAILED: the attempt, from 1. */
        public static final String ATTEMPT = "attempt";
        /** STEP_SUCCEEDED, COMPENSATION_SUCCEEDED, a final STEP_FAILED: how many attempts were made. */
        public static final String ATTEMPTS = "attempts";
        /** STEP_STARTED: {@code "true"} when the step may be undone from any host. */
        public static final String HOST_INDEPENDENT = "hostIndependent";
        /** STEP_RECORDED: the undo data's key. */
        public static final String KEY = "key";
        /** STEP_RECORDED: the undo data's value. */
        public static final String VALUE = "value";
        /** STEP_SUMMARY: what the action changed. */
        public static final String TEXT = "text";
        /** STEP_FAILED, COMPENSATION_FAILED: the error message, secrets masked. */
        public static final String ERROR = "error";
        /** STEP_FAILED, COMPENSATION_FAILED: the error's class name. */
        public static final String ERROR_TYPE = "errorType";
        /** STEP_FAILED: {@code "unknown"} when the failed action may have changed its target. */
        public static final String OUTCOME = "outcome";
        /** STEP_FAILED: {@code "true"} on a failed attempt that is retried. */
        public static final String RETRYING = "retrying";
        /** STEP_FAILED, COMPENSATION_FAILED: {@code "true"} when the run was stopped. */
        public static final String INTERRUPTED = "interrupted";
        /** ROLLBACK_STARTED, COMPENSATION_SKIPPED: why. */
        public static final String REASON = "reason";
        /** RUN_FINISHED: the run's status. */
        public static final String STATUS = "status";

        private Keys() {
        }
    }
}
