package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.time.Clock;
import java.util.LinkedHashMap;
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

    synchronized void append(JournalRecord.Type type, String step, Map<String, String> data) {
        journal.append(new JournalRecord(runId, sequence.getAndIncrement(), clock.instant(), type,
                Optional.ofNullable(step), data));
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
