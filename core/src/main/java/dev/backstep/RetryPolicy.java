package dev.backstep;

import java.time.Duration;

/**
 * How often and how patiently a step's action or compensation is retried. Immutable; built on
 * Resilience4j's retry.
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.custom().maxAttempts(5).backoff(Duration.ofMillis(200), 2.0).build();
 * RetryPolicy once = RetryPolicy.none();
 * RetryPolicy three = RetryPolicy.attempts(3);
 * }</pre>
 *
 * @param maxAttempts total attempts including the first, at least 1
 * @param initialDelay delay before the second attempt
 * @param multiplier factor applied to the delay after each further attempt (1.0 = fixed)
 * @param maxDelay upper bound of the delay
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {

    private static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);

    public RetryPolicy {
        PlanDefinitionException.requireNonNull(initialDelay, null, "the initial retry delay");
        PlanDefinitionException.requireNonNull(maxDelay, null, "the maximum retry delay");
        if (maxAttempts < 1) {
            throw new PlanDefinitionException(null, null, "maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.isNegative()) {
            throw new PlanDefinitionException(null, null, "retry delays must not be negative, were "
                    + initialDelay + " and " + maxDelay);
        }
        if (multiplier < 1.0) {
            throw new PlanDefinitionException(null, null, "multiplier must be at least 1.0, was " + multiplier);
        }
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** The default for steps: {@link #none()}. */
    public static RetryPolicy ofDefaults() {
        return NONE;
    }

    /** {@code n} attempts with {@link Defaults#RETRY_DELAY} between them. */
    public static RetryPolicy attempts(int n) {
        return custom().maxAttempts(n).build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(RetryPolicy base) {
        return new Builder().maxAttempts(base.maxAttempts).backoff(base.initialDelay, base.multiplier)
                .maxDelay(base.maxDelay);
    }

    /** The delay before attempt {@code attempt + 1}, given that {@code attempt} (1-based) failed. */
    public Duration delayAfter(int attempt) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long bounded = (long) Math.min(millis, maxDelay.toMillis());
        return Duration.ofMillis(bounded);
    }

    /** Builder for {@link RetryPolicy}. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 1;
        private Duration initialDelay = Defaults.RETRY_DELAY;
        private double multiplier = 1.0;
        private Duration maxDelay = Defaults.RETRY_MAX_DELAY;

        private Builder() {
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Fixed delay between attempts. */
        public Builder delay(Duration delay) {
            return backoff(delay, 1.0);
        }

        /** Exponential backoff: {@code initial}, then times {@code multiplier} each attempt. */
        public Builder backoff(Duration initial, double multiplier) {
            this.initialDelay = PlanDefinitionException.requireNonNull(initial, null, "the initial retry delay");
            this.multiplier = multiplier;
            if (maxDelay.compareTo(initial) < 0) {
                maxDelay = initial;
            }
            return this;
        }

        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = PlanDefinitionException.requireNonNull(maxDelay, null, "the maximum retry delay");
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialDelay, multiplier,
                    maxDelay.compareTo(initialDelay) < 0 ? initialDelay : maxDelay);
        }
    }
}
