package dev.backstep.internal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The defaults of {@link Journal#runsOf} and {@link Journal#unfinishedRuns}, by reading every
 * run, and the few facts of a run an index keeps ({@link Facts}).
 *
 * <pre>{@code
 * JournalScan.Facts f = JournalScan.facts(journal.read(runId));
 * }</pre>
 */
public final class JournalScan {
    private JournalScan() {
    }

    /**
     * What an index keeps of a run, from its records alone (no replay of its steps).
     *
     * @param target the target of its {@code RUN_STARTED} record; null when it has none
     * @param plan the plan it ran; null when unknown
     * @param order its place in the target's lock order ({@link RunOrder}), 0 when none
     * @param status the status of its latest {@code RUN_FINISHED}; null while the latest forward
     *     run or rollback is unfinished
     * @param good marked good and still {@code SUCCEEDED}
     */
    public record Facts(String target, String plan, long order, String status, boolean good) {

        /** Unfinished or interrupted: {@code recover()} looks at it. */
        public boolean open() {
            return status == null || "INTERRUPTED".equals(status);
        }
    }

    /** The facts of a run from its records, in sequence order. */
    public static Facts facts(List<JournalRecord> records) {
        String target = null;
        String plan = null;
        long order = 0;
        String status = null;
        boolean marked = false;
        for (JournalRecord r : records) {
            switch (r.type()) {
                case RUN_STARTED -> {
                    target = r.data().get("target");
                    plan = r.data().get("plan");
                    order = RunOrder.placeOf(r);
                }
                case ROLLBACK_STARTED -> status = null;
                case RUN_FINISHED -> status = r.data().get("status");
                case RUN_MARKED_GOOD -> marked = true;
                default -> {
                }
            }
        }
        return new Facts(target, plan, order, status, marked && "SUCCEEDED".equals(status));
    }

    /** {@link Journal#runsOf} by reading every run. */
    public static List<RunId> runsOf(Journal journal, String target) {
        List<RunId> out = new ArrayList<>();
        for (RunId id : journal.runIds()) {
            try {
                List<JournalRecord> records = journal.read(id);
                if (records.isEmpty()) {
                    continue;
                }
                String t = facts(records).target();
                if (t == null || t.equals(target)) {
                    out.add(id);
                }
            } catch (JournalCorruptedException e) {
                out.add(id); // the caller reads it again and reports the damage
            }
        }
        return out;
    }

    /** {@link Journal#unfinishedRuns} by reading every run. */
    public static List<RunId> unfinished(Journal journal) {
        List<RunId> out = new ArrayList<>();
        for (RunId id : journal.runIds()) {
            try {
                List<JournalRecord> records = journal.read(id);
                if (!records.isEmpty() && facts(records).open()) {
                    out.add(id);
                }
            } catch (JournalCorruptedException e) {
                out.add(id);
            }
        }
        return out;
    }
}
