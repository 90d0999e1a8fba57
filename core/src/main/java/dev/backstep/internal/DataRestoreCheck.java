package dev.backstep.internal;

import dev.backstep.BackstepException;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.spi.RestoreBound;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A later rollback never restores stale data silently: steps whose compensation restores data
 * captured longer ago than their {@link RestoreBound} are refused up front, unless forced or
 * skipped.
 */
final class DataRestoreCheck {
    private DataRestoreCheck() {
    }

    /**
     * @return the steps to leave uncompensated, with why ({@link RollbackOption#SKIP_DATA_RESTORE})
     * @throws RollbackRefusedException when a step would restore stale data and neither option says what to do
     */
    static Map<String, String> keep(RunState r, Instant now, List<RollbackOption> options) {
        boolean skip = options.contains(RollbackOption.SKIP_DATA_RESTORE);
        boolean force = options.contains(RollbackOption.FORCE);
        Map<String, String> keep = new LinkedHashMap<>();
        int pivot = r.pivotStage();
        for (RunState.Step s : r.applied()) {
            if (s.stage() <= pivot) {
                continue;
            }
            Optional<RestoreBound> bound;
            try {
                bound = RestoreBound.of(s.recorded());
            } catch (BackstepException e) {
                throw new RollbackRefusedException("run " + r.runId + " cannot be rolled back: step '" + s.name()
                        + "' has an " + e.getMessage());
            }
            if (bound.isEmpty()) {
                continue;
            }
            RestoreBound b = bound.get();
            if (skip) {
                keep.put(s.name(), "data restore skipped (RollbackOption.SKIP_DATA_RESTORE): the data captured "
                        + age(b.ageAt(now)) + " ago is kept as it is now");
            } else if (b.expiredAt(now) && !force) {
                throw new RollbackRefusedException("run " + r.runId + " cannot be rolled back: step '" + s.name()
                        + "' would restore data captured " + age(b.ageAt(now)) + " ago (at " + b.capturedAt()
                        + "), older than its limit of " + age(b.maxAge()) + ", and every write since would be lost;"
                        + " use RollbackOption.SKIP_DATA_RESTORE to roll back the other steps and keep the data, or"
                        + " RollbackOption.FORCE to restore it anyway");
            }
        }
        return keep;
    }

    /** {@code 2d 3h}, {@code 6h}, {@code 1h 30m}, {@code 45s}. */
    static String age(Duration d) {
        if (d.isNegative()) {
            return "-" + age(d.negated());
        }
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        StringBuilder out = new StringBuilder();
        if (days > 0) {
            out.append(days).append("d ");
        }
        if (hours > 0) {
            out.append(hours).append("h ");
        }
        if (minutes > 0 && days == 0) {
            out.append(minutes).append("m ");
        }
        if (seconds > 0 && days == 0 && hours == 0) {
            out.append(seconds).append("s ");
        }
        return out.length() == 0 ? "0s" : out.toString().trim();
    }
}
