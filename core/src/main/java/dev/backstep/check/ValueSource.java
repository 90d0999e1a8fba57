package dev.backstep.check;

import dev.backstep.StepContext;

/**
 * Reads the number a {@link MetricCheck gate} compares with its threshold: an error rate from
 * your monitoring client, a queue length, a row count. {@link Double#NaN} means "no value".
 *
 * <pre>{@code
 * ValueSource errorRate = ctx -> grafana.query("sum(rate(http_requests_total{code=~\"5..\"}[5m]))");
 * Step gate = Check.gate("5xx rate", errorRate).below(0.05).within(Duration.ofMinutes(5));
 * }</pre>
 */
@FunctionalInterface
public interface ValueSource {
    /** The current value; an exception fails this attempt (the gate may try again). */
    double read(StepContext ctx) throws Exception;
}
