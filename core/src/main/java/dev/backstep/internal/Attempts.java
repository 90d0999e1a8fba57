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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action or compensation with its retry policy (Resilience4j Retry) and a timeout per
 * attempt (Resilience4j TimeLimiter, cancelling the attempt's thread). An attempt that timed out
 * or whose caller was interrupted is cancelled and waited for: the next attempt, a compensation
 * or the end of the run never overlaps with it.
 */
final class Attempts {
    private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);
    private static final long STILL_WAITING_LOG_SECONDS = 30;

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
        Task<Void> task = new Task<>(pool, () -> {
            body.run(ctx);
            return null;
        });
        try {
            limiter.executeFutureSupplier(task::future);
        } catch (TimeoutException e) {
            ctx.cancel();
            task.stop();
            task.awaitEnd("the timed-out attempt of '" + stepName + "'");
            throw new StepTimeoutException(stepName, timeout.get());
        } catch (InterruptedException e) {
            // TimeLimiter leaves the attempt running when the waiting thread is interrupted
            ctx.cancel();
            task.stop();
            task.awaitEnd("the interrupted attempt of '" + stepName + "'");
            throw e;
        } catch (Exception e) {
            throw Errors.unwrap(e);
        }
    }

    /**
     * Code run on the pool that can be stopped and waited for until it has returned, also when it
     * was stopped before it started (then it never runs).
     */
    static final class Task<T> {
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CountDownLatch ended = new CountDownLatch(1);
        private final Future<T> future;

        Task(ExecutorService pool, Callable<T> body) {
            this.future = pool.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // stopped before it started
                }
                try {
                    return body.call();
                } finally {
                    ended.countDown();
                }
            });
        }

        Future<T> future() {
            return future;
        }

        /** Interrupts the code if it runs, keeps it from starting if it has not. Does not wait. */
        void stop() {
            if (claimed.compareAndSet(false, true)) {
                ended.countDown();
            }
            future.cancel(true);
        }

        /**
         * Waits until the code has returned, however long that takes: its effects must be known
         * before anything else touches what it touches. Interrupts meanwhile are kept for later.
         */
        void awaitEnd(String what) {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        if (ended.await(STILL_WAITING_LOG_SECONDS, TimeUnit.SECONDS)) {
                            return;
                        }
                        LOG.warn("still waiting for {} to stop; it was cancelled but has not returned", what);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
