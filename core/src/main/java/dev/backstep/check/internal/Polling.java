package dev.backstep.check.internal;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.check.CheckFailedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How often a check is tried: once by default; with {@code within} it is tried every
 * {@code every} until it passes {@code consecutive} times in a row or the deadline has passed (the
 * last attempt starts at the deadline). Sleeps in short slices, checking
 * {@link StepContext#throwIfCancelled()}, and lets {@link InterruptedException} through, so a
 * step timeout stops the loop. Immutable.
 *
 * <pre>{@code
 * Polling p = Polling.ONCE.within("GET /health", Duration.ofSeconds(30)).every("GET /health", Duration.ofSeconds(1));
 * p.run(ctx, "GET http://localhost/health", () -> probe());
 * }</pre>
 *
 * @param within how long to keep trying; empty for one attempt
 * @param every pause between attempts
 * @param consecutive passes in a row needed
 */
public record Polling(Optional<Duration> within, Duration every, int consecutive) {
    /** Default pause between attempts. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(1);
    /** One attempt. */
    public static final Polling ONCE = new Polling(Optional.empty(), DEFAULT_EVERY, 1);
    /** How many attempts the failure message summarises. */
    static final int SUMMARISED = 3;
    private static final long SLICE_MS = 100;

    public Polling {
        Objects.requireNonNull(within, "within");
        Objects.requireNonNull(every, "every");
    }

    /** Something that makes one attempt. */
    @FunctionalInterface
    public interface Probe {
        Attempt attempt() throws Exception;
    }

    public Polling within(String check, Duration d) {
        return new Polling(Optional.of(positive(check, "within", d)), every, consecutive);
    }

    public Polling every(String check, Duration d) {
        return new Polling(within, positive(check, "every", d), consecutive);
    }

    public Polling consecutive(String check, int n) {
        if (n < 1) {
            throw new PlanDefinitionException(null, check, "consecutive(" + n + ") must be at least 1");
        }
        return new Polling(within, every, n);
    }

    /** Throws {@link PlanDefinitionException} for a null, zero or negative duration. */
    public static Duration positive(String check, String what, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new PlanDefinitionException(null, check, what + " must be a positive duration, was " + d);
        }
        return d;
    }

    /** What makes these settings unusable together, if anything. */
    public Optional<String> problem() {
        if (within.isEmpty()) {
            if (consecutive > 1) {
                return Optional.of("consecutive(" + consecutive + ") needs within(...): without it the check is "
                        + "tried only once");
            }
            return Optional.empty();
        }
        Duration w = within.get();
        if (every.compareTo(w) > 0) {
            return Optional.of("every(" + Texts.duration(every) + ") is longer than within(" + Texts.duration(w)
                    + "): the check could not be tried again before its deadline");
        }
        Duration needed = every.multipliedBy(consecutive - 1L);
        if (needed.compareTo(w) > 0) {
            return Optional.of("consecutive(" + consecutive + ") every(" + Texts.duration(every) + ") needs at least "
                    + Texts.duration(needed) + " but within is " + Texts.duration(w));
        }
        return Optional.empty();
    }

    /** {@code ""} for one attempt, else {@code " (within 2 s, every 200 ms, 3 passes in a row)"}. */
    public String describe() {
        if (within.isEmpty()) {
            return "";
        }
        return " (within " + Texts.duration(within.get()) + ", every " + Texts.duration(every)
                + (consecutive > 1 ? ", " + consecutive + " passes in a row" : "") + ")";
    }

    /**
     * Tries {@code probe} until it passes often enough or the deadline passes.
     *
     * @param what the check for messages, secrets already masked ({@code GET http://host/health})
     * @throws CheckFailedException when it did not pass; its message starts with {@code what}
     * @throws InterruptedException when the thread is interrupted (a step timeout)
     */
    public void run(StepContext ctx, String what, Probe probe) throws Exception {
        long start = System.nanoTime();
        long deadline = start + within.map(Duration::toNanos).orElse(0L);
        Deque<String> last = new ArrayDeque<>(SUMMARISED);
        Attempt lastFailure = null;
        int attempts = 0;
        int streak = 0;
        while (true) {
            ctx.throwIfCancelled();
            Attempt a = probe.attempt();
            attempts++;
            if (last.size() == SUMMARISED) {
                last.removeFirst();
            }
            last.addLast(a.brief());
            ctx.logger().debug("{}: attempt {}: {}", what, attempts, a.passed() ? "passed, " + a.brief() : a.problem());
            if (a.passed()) {
                streak++;
                if (streak >= consecutive) {
                    return;
                }
            } else {
                streak = 0;
                lastFailure = a;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            sleep(ctx, Math.min(every.toNanos(), left));
        }
        throw failure(ctx.stepName(), what, attempts, streak, lastFailure, List.copyOf(last));
    }

    private CheckFailedException failure(String step, String what, int attempts, int streak, Attempt lastFailure,
                                         List<String> last) {
        StringBuilder sb = new StringBuilder(what).append(": ");
        if (lastFailure != null && streak == 0) {
            sb.append(lastFailure.problem());
        } else {
            sb.append("expected ").append(consecutive).append(" passes in a row but had only ").append(streak);
            if (lastFailure != null) {
                sb.append(" after: ").append(lastFailure.problem());
            }
        }
        if (attempts > 1) {
            sb.append(" [").append(attempts).append(" attempts within ")
                    .append(Texts.duration(within.orElse(Duration.ZERO))).append("; last ").append(last.size())
                    .append(": ").append(String.join(", ", last)).append(']');
        }
        return new CheckFailedException(step, sb.toString(), attempts, last,
                lastFailure == null ? null : lastFailure.cause());
    }

    /** Sleeps {@code nanos} in short slices, checking {@link StepContext#throwIfCancelled()} between them. */
    public static void sleep(StepContext ctx, long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            ctx.throwIfCancelled();
            Thread.sleep(Math.min(SLICE_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
    }
}
