package dev.backstep.internal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.Retention;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Journal#retain} of the directory journal: reads every run, keeps every run that can
 * still be rolled back or recovered (see {@link Retention}) and every damaged run, and removes
 * the others the policy lets go.
 *
 * <pre>{@code
 * Retention.Report r = JournalRetention.retain(journal, Retention.keepRuns(20), Instant.now());
 * }</pre>
 */
final class JournalRetention {
    private JournalRetention() {
    }

    static Retention.Report retain(DirectoryJournal journal, Retention policy, Instant now) {
        List<Journal.Damage> damaged = new ArrayList<>();
        Map<String, List<RunState>> byTarget = new HashMap<>();
        Map<RunId, Long> sizes = new HashMap<>();
        for (RunId id : journal.runIds()) {
            try {
                long size = journal.sizeOf(id);
                List<JournalRecord> records = journal.read(id);
                if (records.isEmpty()) {
                    continue; // a run whose first record is being written, or never was: not judged
                }
                RunState r = RunState.fold(id, records, journal);
                sizes.put(id, size);
                byTarget.computeIfAbsent(r.target, t -> new ArrayList<>()).add(r);
            } catch (JournalCorruptedException e) {
                damaged.add(new Journal.Damage(id, e));
            }
        }
        Instant cutoff = now.minus(policy.olderThan());
        List<RunId> removable = new ArrayList<>();
        for (List<RunState> runs : byTarget.values()) {
            runs.sort(RunOrder.OLDEST_FIRST);
            Set<RunId> kept = protectedRuns(runs);
            for (int i = 0; i < runs.size() - policy.keepRuns(); i++) {
                RunState r = runs.get(i);
                Instant last = r.endedAt != null ? r.endedAt : r.startedAt;
                if (!kept.contains(r.runId) && last != null && !last.isAfter(cutoff)) {
                    removable.add(r.runId);
                }
            }
        }
        List<RunId> removed = journal.remove(removable, sizes);
        return new Retention.Report(removed, damaged);
    }

    /**
     * The runs of one target (oldest first) that can still be rolled back or recovered: every
     * unfinished or interrupted run, the last run marked good, and every applied run after it
     * (every applied run when none is marked good).
     */
    static Set<RunId> protectedRuns(List<RunState> runs) {
        Set<RunId> kept = new HashSet<>();
        int lastGood = -1;
        for (int i = 0; i < runs.size(); i++) {
            RunSummary s = runs.get(i).summary();
            if (s.good()) {
                lastGood = i;
            }
            if (runs.get(i).needsRecovery() || s.status().isEmpty()
                    || s.status().get() == RunStatus.INTERRUPTED) {
                kept.add(s.runId());
            }
        }
        for (int i = Math.max(lastGood, 0); i < runs.size(); i++) {
            RunSummary s = runs.get(i).summary();
            if (i == lastGood || s.isApplied()) {
                kept.add(s.runId());
            }
        }
        return kept;
    }
}
