package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The journal of one run: assigns sequence numbers and timestamps. Thread-safe. */
final class RunJournal {
    private final Journal journal;
    private final RunId runId;
    private final Clock clock;
    private final AtomicLong sequence;

    RunJournal(Journal journal, RunId runId, Clock clock, long nextSequence) {
        this.journal = journal;
        this.runId = runId;
        this.clock = clock;
        this.sequence = new AtomicLong(nextSequence);
    }

    RunId runId() {
        return runId;
    }

    // not synchronized: the journal orders and sequences concurrent appends itself (a parallel
    // group's appends then share the journal's forces instead of queueing for one each)
    void append(JournalRecord.Type type, String step, Map<String, String> data) {
        JournalRecord r = new JournalRecord(runId, sequence.getAndIncrement(), clock.instant(), type,
                Optional.ofNullable(step), data);
        if (lazy(type, data)) {
            journal.appendLazily(r);
        } else {
            journal.append(r);
        }
    }

    /** A record the caller knows no side effect waits for (see {@link #lazy}), forced later. */
    void appendLazily(JournalRecord.Type type, String step, String... keyValues) {
        journal.appendLazily(new JournalRecord(runId, sequence.getAndIncrement(), clock.instant(), type,
                Optional.ofNullable(step), data(keyValues)));
    }

    /** Every record of the run appended so far is durable when this returns. */
    void sync() {
        journal.sync(runId);
    }

    /**
     * Records that no side effect waits for ride the run's next forced record (one fsync fewer
     * each): losing them in a power cut leaves the journal as if the process had stopped just
     * before them, a state a crash can leave anyway. Forced, because something changes right
     * after them that a rollback must know of: a step's start (its action runs next; a
     * verification changes nothing), its undo data, a compensation's start (it covers the
     * previous compensation's success and the failure that started the rollback: a second
     * rollback must neither redo a finished compensation after a later one ran nor compensate a
     * step that failed without changing anything), the run's start and end, marks.
     */
    static boolean lazy(JournalRecord.Type type, Map<String, String> data) {
        return switch (type) {
            case STEP_SUMMARY, STEP_SUCCEEDED, STEP_FAILED, ROLLBACK_STARTED, COMPENSATION_SUCCEEDED,
                    COMPENSATION_FAILED, COMPENSATION_SKIPPED -> true;
            case STEP_STARTED -> "VERIFICATION".equals(data.get("kind"));
            default -> false;
        };
    }

    /** One record per data map, with consecutive sequence numbers, all durable together. */
    void appendAll(JournalRecord.Type type, String step, List<Map<String, String>> data) {
        List<JournalRecord> records = new ArrayList<>(data.size());
        long first = sequence.getAndAdd(data.size());
        for (int i = 0; i < data.size(); i++) {
            records.add(new JournalRecord(runId, first + i, clock.instant(), type, Optional.ofNullable(step),
                    data.get(i)));
        }
        journal.appendAll(records);
    }

    void append(JournalRecord.Type type, String step, String... keyValues) {
        append(type, step, data(keyValues));
    }

    private static Map<String, String> data(String... keyValues) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                data.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return data;
    }
}
