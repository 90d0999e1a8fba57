package dev.backstep;

import java.time.Duration;

/**
 * Every default Backstep uses, in one place.
 *
 * <pre>{@code
 * Command.of("make").timeout(Defaults.COMMAND_TIMEOUT.multipliedBy(2));
 * }</pre>
 */
public final class Defaults {
    /** Delay between retry attempts unless a policy says otherwise. */
    public static final Duration RETRY_DELAY = Duration.ofMillis(500);
    /** Upper bound of an exponential backoff unless a policy says otherwise. */
    public static final Duration RETRY_MAX_DELAY = Duration.ofSeconds(30);
    /** How long an external command may run unless it says otherwise. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    /** How many bytes of stdout and of stderr a command keeps (the tail is kept). */
    public static final int COMMAND_OUTPUT_LIMIT = 64 * 1024;
    /** How many characters of stderr a {@link CommandFailedException} carries. */
    public static final int STDERR_TAIL_CHARS = 2000;
    /**
     * Retry of compensations that {@link Runner#rollback} and {@link Runner#recover} find through
     * the step registry (no plan in memory to say otherwise): three attempts, 1 s then 2 s apart.
     */
    public static final StepPolicy JOURNAL_COMPENSATION_POLICY = StepPolicy.ofDefaults()
            .withCompensationRetry(RetryPolicy.custom().maxAttempts(3).backoff(Duration.ofSeconds(1), 2.0).build());
    /** How many characters of a recorded undo value the journal accepts. */
    public static final int MAX_RECORDED_VALUE_CHARS = 16 * 1024;

    private Defaults() {
    }
}
