package dev.backstep;

import java.time.Instant;
import java.util.Optional;

/**
 * One run as the journal remembers it, for history listings and "roll back to the last good
 * release".
 *
 * <pre>{@code
 * runner.history("shop-prod").forEach(s -> System.out.println(s.runId() + " " + s.status() + (s.good() ? " good" : "")));
 * }</pre>
 *
 * @param runId the run
 * @param planName the plan it ran
 * @param target what it changed
 * @param status its latest status (a succeeded run rolled back later is {@link RunStatus#ROLLED_BACK});
 *     empty when the run never finished: it is in progress or was interrupted
 * @param startedAt when it started
 * @param endedAt when it (or its latest rollback) ended
 * @param good whether the host tool marked it verified good and it is still applied
 */
public record RunSummary(RunId runId, String planName, String target, Optional<RunStatus> status, Instant startedAt,
                         Optional<Instant> endedAt, boolean good) {

    /** True when the run's steps are (or may be) still in effect. */
    public boolean isApplied() {
        return status.map(s -> s == RunStatus.SUCCEEDED || s == RunStatus.ROLLBACK_FAILED
                || s == RunStatus.FAILED_AFTER_PIVOT || s == RunStatus.INTERRUPTED).orElse(true);
    }
}
