package dev.backstep.spi;

import dev.backstep.RunId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One append-only event of a run, as a journal stores it. Data values are short strings; secrets
 * never reach a record.
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
 * @param data details: see the constants of {@link Type} for the keys each type carries
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

    /** The kinds of journal records, in the order a run produces them. */
    public enum Type {
        /**
         * data: plan, target, host, pid, steps (number of steps in the plan), and per rollback step
         * of the plan {@code rollbackStep.<n>.name / verification / type / definition}.
         */
        RUN_STARTED,
        /**
         * step; data: kind, type, group (index of its stage), attempt, hostIndependent ("true" when
         * so). Records of a rollback's last phase (this type, STEP_SUCCEEDED, STEP_FAILED) carry
         * {@code rollbackStep} ({@code afterRollback} or {@code verifyAfterRollback}) and never make
         * a step applied.
         */
        STEP_STARTED,
        /** step; data: key, value — undo data, written before the side effect. */
        STEP_RECORDED,
        /** step; data: text — what the action changed, for reports (secrets masked). */
        STEP_SUMMARY,
        /** step. */
        STEP_SUCCEEDED,
        /** step; data: error (message, redacted), errorType. */
        STEP_FAILED,
        /** data: reason (why rolling back: a failure, a request, recovery). */
        ROLLBACK_STARTED,
        /** step; data: attempt. */
        COMPENSATION_STARTED,
        /** step. */
        COMPENSATION_SUCCEEDED,
        /** step; data: error, errorType. */
        COMPENSATION_FAILED,
        /** step; data: reason (irreversible, behind a pivot). */
        COMPENSATION_SKIPPED,
        /** data: status. */
        RUN_FINISHED,
        /** A succeeded run was verified good by the host tool. */
        RUN_MARKED_GOOD
    }
}
