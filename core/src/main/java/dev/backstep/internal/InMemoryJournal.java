package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Journal#inMemory()}: thread-safe, lost with the object. */
public final class InMemoryJournal implements Journal {
    private final Map<RunId, List<JournalRecord>> runs = new LinkedHashMap<>();

    @Override
    public synchronized void append(JournalRecord record) {
        runs.computeIfAbsent(record.runId(), id -> new ArrayList<>()).add(record);
    }

    @Override
    public synchronized List<JournalRecord> read(RunId runId) {
        // concurrent appenders (a parallel group) may add out of sequence order
        List<JournalRecord> records = new ArrayList<>(runs.getOrDefault(runId, List.of()));
        records.sort(java.util.Comparator.comparingLong(JournalRecord::sequence));
        return List.copyOf(records);
    }

    @Override
    public synchronized List<RunId> runIds() {
        return List.copyOf(runs.keySet());
    }
}
