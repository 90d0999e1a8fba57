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
        journal.append(new JournalRecord(runId, sequence.getAndIncrement(), clock.instant(), type,
                Optional.ofNullable(step), data));
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
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                data.put(keyValues[i], keyValues[i + 1]);
            }
        }
        append(type, step, data);
    }
}
