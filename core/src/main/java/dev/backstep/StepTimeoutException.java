package dev.backstep;

import java.time.Duration;

/**
 * A step's action or compensation ran longer than its timeout and was cancelled.
 *
 * <pre>{@code
 * Step.named("warm cache").action(ctx -> warm()).timeout(Duration.ofSeconds(30)).build();
 * }</pre>
 */
public class StepTimeoutException extends StepException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    public StepTimeoutException(String stepName, Duration timeout) {
        super(stepName, "step '" + stepName + "' timed out after " + timeout);
        this.timeout = timeout;
    }

    /** The limit that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
