package dev.backstep;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one step in a run: status, timing, attempts, errors, undo data.
 *
 * <pre>{@code
 * StepOutcome o = result.step("checkout");
 * System.out.println(o.status() + " in " + o.duration());
 * }</pre>
 *
 * @param name step name
 * @param kind step kind
 * @param status final status
 * @param startedAt when the action started, if it did
 * @param endedAt when the action ended, if it did
 * @param attempts how many times the action ran
 * @param error the action's failure
 * @param compensationStartedAt when the compensation started, if it did
 * @param compensationEndedAt when the compensation ended, if it did
 * @param compensationError the compensation's failure
 * @param note why a step was not compensated (irreversible, pivot)
 * @param summary what the action said it changed ({@link StepContext#summary}), secrets masked
 * @param recorded the undo data the step recorded
 */
public record StepOutcome(String name, StepKind kind, StepStatus status, Optional<Instant> startedAt,
                          Optional<Instant> endedAt, int attempts, Optional<Throwable> error,
                          Optional<Instant> compensationStartedAt, Optional<Instant> compensationEndedAt,
                          Optional<Throwable> compensationError, Optional<String> note,
                          Optional<String> summary, Map<String, String> recorded) {
    public StepOutcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        recorded = Map.copyOf(recorded);
    }

    /** Time the forward action took, if it ran. */
    public Optional<Duration> duration() {
        return startedAt.flatMap(s -> endedAt.map(e -> Duration.between(s, e)));
    }
}
