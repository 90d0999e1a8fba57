package dev.backstep.check.internal;

import java.util.Objects;

/**
 * The outcome of one attempt of a check.
 *
 * <pre>{@code
 * Attempt a = code == 200 ? Attempt.pass("<200>")
 *         : Attempt.fail("expected status <200> but was <" + code + ">", "<" + code + ">", null);
 * }</pre>
 *
 * @param passed whether the attempt passed
 * @param problem for a failed attempt, the AssertJ-style sentence ({@code expected … but was …})
 * @param brief a few words for the summary of the last attempts ({@code <503>}, {@code refused})
 * @param cause the exception behind a failed attempt, or null
 */
public record Attempt(boolean passed, String problem, String brief, Throwable cause) {
    public Attempt {
        Objects.requireNonNull(brief, "brief");
        if (!passed) {
            Objects.requireNonNull(problem, "problem");
        }
    }

    public static Attempt pass(String brief) {
        return new Attempt(true, null, brief, null);
    }

    public static Attempt fail(String problem, String brief, Throwable cause) {
        return new Attempt(false, problem, brief, cause);
    }
}
