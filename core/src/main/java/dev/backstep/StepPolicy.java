package dev.backstep;

import java.time.Duration;
import java.util.Optional;

/**
 * Retry and timeout of a step's action and of its compensation. Immutable.
 *
 * <pre>{@code
 * StepPolicy p = StepPolicy.ofDefaults().withRetry(RetryPolicy.attempts(3)).withTimeout(Duration.ofSeconds(30));
 * }</pre>
 *
 * @param retry retry of the forward action
 * @param timeout limit of one attempt of the forward action, empty for none
 * @param compensationRetry retry of the compensation (a compensation is retried before the run gives up)
 * @param compensationTimeout limit of one attempt of the compensation, empty for none
 */
public record StepPolicy(RetryPolicy retry, Optional<Duration> timeout,
                         RetryPolicy compensationRetry, Optional<Duration> compensationTimeout) {

    private static final StepPolicy DEFAULTS = new StepPolicy(RetryPolicy.none(), Optional.empty(),
            RetryPolicy.none(), Optional.empty());

    public StepPolicy {
        PlanDefinitionException.requireNonNull(retry, null, "the retry policy");
        PlanDefinitionException.requireNonNull(timeout, null, "the timeout");
        PlanDefinitionException.requireNonNull(compensationRetry, null, "the compensation retry policy");
        PlanDefinitionException.requireNonNull(compensationTimeout, null, "the compensation timeout");
        timeout.ifPresent(StepPolicy::checkPositive);
        compensationTimeout.ifPresent(StepPolicy::checkPositive);
    }

    /** No retry, no timeout. */
    public static StepPolicy ofDefaults() {
        return DEFAULTS;
    }

    public StepPolicy withRetry(RetryPolicy r) {
        return new StepPolicy(PlanDefinitionException.requireNonNull(r, null, "the retry policy"), timeout,
                compensationRetry, compensationTimeout);
    }

    public StepPolicy withTimeout(Duration t) {
        return new StepPolicy(retry, Optional.of(PlanDefinitionException.requireNonNull(t, null, "the timeout")),
                compensationRetry, compensationTimeout);
    }

    public StepPolicy withCompensationRetry(RetryPolicy r) {
        return new StepPolicy(retry, timeout,
                PlanDefinitionException.requireNonNull(r, null, "the compensation retry policy"), compensationTimeout);
    }

    public StepPolicy withCompensationTimeout(Duration t) {
        return new StepPolicy(retry, timeout, compensationRetry,
                Optional.of(PlanDefinitionException.requireNonNull(t, null, "the compensation timeout")));
    }

    private static void checkPositive(Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new PlanDefinitionException(null, null, "timeout must be positive, was " + d);
        }
    }
}
