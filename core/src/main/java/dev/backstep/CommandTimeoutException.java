package dev.backstep;

import java.time.Duration;
import java.util.List;

/**
 * An external program ran past its timeout and was killed (with its child processes).
 *
 * <pre>{@code
 * Command.of("composer", "install").timeout(Duration.ofMinutes(5));
 * }</pre>
 */
public class CommandTimeoutException extends CommandFailedException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    public CommandTimeoutException(List<String> argv, Duration timeout, String stderrTail) {
        super(argv, -1, stderrTail, "command " + argv + " timed out after " + timeout + " and was killed");
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
