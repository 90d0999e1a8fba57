package dev.backstep.spi;

import dev.backstep.BackstepException;
import dev.backstep.RunId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Which runs {@link Journal#retain} may remove. Whatever the policy says, a run that can still
 * be rolled back or recovered is never removed: every unfinished or interrupted run, the last run
 * of each target marked good, every run of a target still applied after its last good run (all
 * applied runs when none was marked good), and a run whose records cannot be read (it is
 * reported in {@link Report#damaged()}, never removed silently). Of the others, a run is removed
 * when it is not among the newest {@link #keepRuns()} runs of its target and it ended (or started,
 * if it never ended) more than {@link #olderThan()} ago.
 *
 * <pre>{@code
 * Retention.Report r = Journal.directory(stateDir).retain(Retention.keepRuns(20).andOlderThan(Duration.ofDays(30)));
 * r.damaged().forEach(d -> log.warn("damaged run kept: {}", d));
 * }</pre>
 *
 * @param keepRuns how many of the newest runs of each target are kept in any case (0: none)
 * @param olderThan only runs older than this are removed ({@link Duration#ZERO}: any age)
 */
public record Retention(int keepRuns, Duration olderThan) {

    public Retention {
        Objects.requireNonNull(olderThan, "olderThan");
        if (keepRuns < 0) {
            throw new BackstepException("keepRuns must not be negative, was " + keepRuns);
        }
        if (olderThan.isNegative()) {
            throw new BackstepException("olderThan must not be negative, was " + olderThan);
        }
    }

    /** Keeps the newest {@code n} runs of each target, and every run that can still be rolled back. */
    public static Retention keepRuns(int n) {
        return new Retention(n, Duration.ZERO);
    }

    /** Removes only runs older than {@code age}, never one that can still be rolled back. */
    public static Retention olderThan(Duration age) {
        return new Retention(0, Objects.requireNonNull(age, "age"));
    }

    /** This policy, removing only runs older than {@code age} as well. */
    public Retention andOlderThan(Duration age) {
        return new Retention(keepRuns, Objects.requireNonNull(age, "age"));
    }

    /**
     * What a {@link Journal#retain} did.
     *
     * @param removed the runs removed, oldest first per target
     * @param damaged the runs that could not be read: kept, for someone to look at
     */
    public record Report(List<RunId> removed, List<Journal.Damage> damaged) {

        public Report {
            removed = List.copyOf(removed);
            damaged = List.copyOf(damaged);
        }
    }
}
