package dev.backstep.check;

import dev.backstep.StepException;
import java.util.List;

/**
 * A check did not pass: the message says what was expected and what was found, AssertJ style,
 * and when the check was tried several times, how many times and what the last attempts saw.
 * Secrets in URIs are masked.
 *
 * <pre>{@code
 * // GET http://127.0.0.1:8080/health: expected status <200> but was <503> (body: "db down")
 * //     [11 attempts within 2 s; last 3: <503>, <503>, <503>]
 * result.failure().map(Throwable::getCause).map(Throwable::getCause)
 *     .filter(CheckFailedException.class::isInstance);
 * }</pre>
 */
public class CheckFailedException extends StepException {
    private static final long serialVersionUID = 1L;
    private final int attempts;
    private final List<String> lastAttempts;

    public CheckFailedException(String stepName, String message, int attempts, List<String> lastAttempts,
                                Throwable cause) {
        super(stepName, message, cause);
        this.attempts = attempts;
        this.lastAttempts = List.copyOf(lastAttempts);
    }

    /** How many times the check was tried. */
    public int attempts() {
        return attempts;
    }

    /** A few words on each of the last attempts, oldest first ({@code <503>}, {@code refused}). */
    public List<String> lastAttempts() {
        return lastAttempts;
    }
}
