package dev.backstep.internal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order of the runs of one target: the order in which they took the target's lock. A run
 * is given its place ({@link #KEY} in its {@code RUN_STARTED} record: one more than the highest
 * place journaled for the target) only once it holds the lock, so a run that waited for the
 * lock comes after the run it waited for, whatever its id says. Runs journaled before places
 * existed have place 0 and keep their id order, before every placed run.
 *
 * <pre>{@code
 * List<RunState> runs = RunOrder.runsOf(journal, "shop@prod"); // oldest first
 * long next = RunOrder.next(runs);
 * }</pre>
 */
final class RunOrder {
    /** The key of the place in the {@code RUN_STARTED} record. */
    static final String KEY = JournalRecord.Keys.ORDER;

    /** Oldest first: by place, then by id. */
    static final Comparator<RunState> OLDEST_FIRST =
            Comparator.comparingLong((RunState r) -> r.order).thenComparing(r -> r.runId);

    private RunOrder() {
    }

    /** Every run of {@code target} with at least one record, oldest first. */
    static List<RunState> runsOf(Journal journal, String target) {
        return runsOf(journal, target, null);
    }

    /**
     * Every run of {@code target} with at least one record, oldest first; a corrupted run is
     * handed to {@code corrupted} and left out, or thrown when {@code corrupted} is null.
     */
    static List<RunState> runsOf(Journal journal, String target,
                                    java.util.function.Consumer<JournalCorruptedException> corrupted) {
        return runsOf(journal, target, corrupted, new java.util.HashMap<>());
    }

    /**
     * Like {@link #runsOf(Journal, String, java.util.function.Consumer)}, skipping the runs that
     * {@code targets} (run id to target, filled in here) knows to belong to another target: a
     * run's target never changes once journaled.
     */
    static List<RunState> runsOf(Journal journal, String target,
                                    java.util.function.Consumer<JournalCorruptedException> corrupted,
                                    Map<RunId, String> targets) {
        List<RunState> out = new ArrayList<>();
        for (RunId id : journal.runsOf(target)) {
            String known = targets.get(id);
            if (known != null && !known.equals(target)) {
                continue;
            }
            RunState r;
            try {
                List<JournalRecord> records = journal.read(id);
                if (records.isEmpty()) {
                    continue;
                }
                r = RunState.fold(id, records, journal);
            } catch (JournalCorruptedException e) {
                if (corrupted == null) {
                    throw e;
                }
                corrupted.accept(e);
                continue;
            }
            if (r.startedAt != null) {
                targets.put(id, r.target);
            }
            if (target.equals(r.target)) {
                out.add(r);
            }
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    /** The place of a run that has just taken the lock of the target whose runs are {@code runs}. */
    static long next(List<RunState> runs) {
        return runs.stream().mapToLong(r -> r.order).max().orElse(0) + 1;
    }

    /** The runs of {@code runs} that come after {@code run}. */
    static List<RunState> after(List<RunState> runs, RunState run) {
        return runs.stream().filter(r -> OLDEST_FIRST.compare(r, run) > 0).toList();
    }

    /** The place journaled in a {@code RUN_STARTED} record; 0 when absent or not a number. */
    static long placeOf(JournalRecord runStarted) {
        try {
            return runStarted.get(KEY).map(Long::parseLong).filter(n -> n > 0).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
