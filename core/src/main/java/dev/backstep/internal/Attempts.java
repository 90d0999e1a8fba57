package dev.backstep.internal;

import dev.backstep.RetryPolicy;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.StepTimeoutException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an action or compensation with its retry policy (Resilience4j Retry) and a timeout per
 * attempt (Resilience4j TimeLimiter, cancelling the attempt's thread).
 */
final class Attempts {

    /** The code of one attempt. */
    @FunctionalInterface
    interface Body {
        void run(StepContext ctx) throws Exception;
    }

    /** Told about every attempt; implementations journal and emit events. */
    interface Hooks {
        DefaultStepContext contextFor(int attempt);

        void started(int attempt);

        void ended(int attempt, Duration took, Throwable error);

        void retrying(int failedAttempt, Duration delay, Throwable error);
    }

    private Attempts() {
    }

    /**
     * Runs {@code body} until it succeeds or the policy gives up. Returns the number of attempts.
     *
     * @throws Throwable the last attempt's failure; {@link InterruptedException} when the calling
     *     thread was interrupted
     */
    static int run(String stepName, RetryPolicy policy, Optional<Duration> timeout, ExecutorService pool, Body body,
                   Hooks hooks) throws Throwable {
        AtomicInteger attempt = new AtomicInteger();
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(failed -> policy.delayAfter(failed).toMillis())
                .retryOnException(t -> !(t instanceof StepCancelledException || t instanceof InterruptedException)
                        && !Thread.currentThread().isInterrupted())
                .failAfterMaxAttempts(false)
                .build();
        Retry retry = Retry.of(stepName, config);
        retry.getEventPublisher().onRetry(e -> hooks.retrying(e.getNumberOfRetryAttempts(), e.getWaitInterval(),
                e.getLastThrowable()));
        retry.executeCheckedSupplier(() -> {
            int n = attempt.incrementAndGet();
            DefaultStepContext ctx = hooks.contextFor(n);
            hooks.started(n);
            long t0 = System.nanoTime();
            try {
                once(stepName, timeout, pool, body, ctx);
            } catch (Throwable t) {
                hooks.ended(n, Duration.ofNanos(System.nanoTime() - t0), t);
                throw t;
            }
            hooks.ended(n, Duration.ofNanos(System.nanoTime() - t0), null);
            return null;
        });
        return attempt.get();
    }

    private static void once(String stepName, Optional<Duration> timeout, ExecutorService pool, Body body,
                             DefaultStepContext ctx) throws Throwable {
        if (timeout.isEmpty()) {
            body.run(ctx);
            return;
        }
        TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(timeout.get()).cancelRunningFuture(true).build());
        try {
            limiter.executeFutureSupplier(() -> pool.submit(() -> {
                body.run(ctx);
                return null;
            }));
        } catch (TimeoutException e) {
            ctx.cancel();
            throw new StepTimeoutException(stepName, timeout.get());
        } catch (Exception e) {
            throw Errors.unwrap(e);
        }
    }
}
