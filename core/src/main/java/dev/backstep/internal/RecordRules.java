package dev.backstep.internal;

import dev.backstep.RunStatus;
import dev.backstep.StepKind;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a journal record must carry to be replayed without guessing: the data keys the runner
 * always writes for its type, enum values this version knows, numbers that are numbers, a step
 * name on step records and none on run records. A record that passes its checksum but breaks
 * these rules was edited by hand or written by something else; replay reports it, it never fills
 * in a default. Keys the rules do not name are allowed (later versions may add some).
 */
final class RecordRules {
    private static final Set<JournalRecord.Type> RUN_LEVEL = Set.of(JournalRecord.Type.RUN_STARTED,
            JournalRecord.Type.ROLLBACK_STARTED, JournalRecord.Type.RUN_FINISHED, JournalRecord.Type.RUN_MARKED_GOOD);

    private RecordRules() {
    }

    /** What is wrong with {@code r} taken on its own, or empty. */
    static Optional<String> problem(JournalRecord r) {
        String type = r.type().name();
        if (RUN_LEVEL.contains(r.type())) {
            if (r.step().isPresent()) {
                return Optional.of(type + " is a run record but names step '" + r.step().get() + "'");
            }
        } else if (r.step().isEmpty() || r.step().get().isBlank()) {
            return Optional.of(type + " has no step name");
        }
        Map<String, String> d = r.data();
        return switch (r.type()) {
            case RUN_STARTED -> present(d, type, Keys.PLAN).or(() -> present(d, type, Keys.TARGET));
            case STEP_STARTED -> oneOf(d, type, Keys.KIND, StepKind.class)
                    .or(() -> present(d, type, Keys.TYPE))
                    .or(() -> number(d, type, Keys.STAGE, 0))
                    .or(() -> number(d, type, Keys.ATTEMPT, 1));
            case STEP_RECORDED -> present(d, type, Keys.KEY).or(() -> d.containsKey(Keys.VALUE) ? Optional.empty()
                    : Optional.of(type + " has no 'value'"));
            case STEP_SUMMARY -> d.containsKey(Keys.TEXT) ? Optional.empty() : Optional.of(type + " has no 'text'");
            case COMPENSATION_SKIPPED -> d.containsKey(Keys.REASON) ? Optional.empty()
                    : Optional.of(type + " has no 'reason'");
            case RUN_FINISHED -> oneOf(d, type, Keys.STATUS, RunStatus.class);
            default -> Optional.empty();
        };
    }

    private static Optional<String> present(Map<String, String> d, String type, String key) {
        String v = d.get(key);
        return v == null || v.isBlank() ? Optional.of(type + " has no '" + key + "'") : Optional.empty();
    }

    private static <E extends Enum<E>> Optional<String> oneOf(Map<String, String> d, String type, String key,
                                                              Class<E> values) {
        String v = d.get(key);
        if (v == null) {
            return Optional.of(type + " has no '" + key + "'");
        }
        for (E e : values.getEnumConstants()) {
            if (e.name().equals(v)) {
                return Optional.empty();
            }
        }
        return Optional.of(type + " has an unknown " + key + " '" + shorten(v) + "'");
    }

    private static Optional<String> number(Map<String, String> d, String type, String key, int min) {
        String v = d.get(key);
        if (v == null) {
            return Optional.of(type + " has no '" + key + "'");
        }
        try {
            if (Integer.parseInt(v) >= min) {
                return Optional.empty();
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        return Optional.of(type + " has an invalid " + key + " '" + shorten(v) + "' (a whole number from "
                + min + " expected)");
    }

    /** Bounded, for messages: a hand-edited value may be long. */
    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
