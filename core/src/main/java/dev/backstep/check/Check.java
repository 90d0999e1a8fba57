package dev.backstep.check;

import dev.backstep.Command;
import dev.backstep.Compensation;
import dev.backstep.StepAction;
import java.net.URI;
import java.util.Map;

/**
 * Verifications for plans: health endpoints, open ports, smoke-test commands, metric thresholds
 * and checks of your own. Every check is a {@link dev.backstep.Step} of kind
 * {@link dev.backstep.StepKind#VERIFICATION}: it changes nothing, so there is nothing to
 * compensate, and when it fails the runner rolls back the steps before it.
 *
 * <pre>{@code
 * URI app = URI.create("http://127.0.0.1:8000");
 * Plan plan = Plan.named("deploy api v1.3.0")
 *     .step(Command.of("systemctl", "restart", "api").irreversible("a restart needs no undo"))
 *     .verify(Check.tcp("127.0.0.1", 8000).within(Duration.ofSeconds(30)))
 *     .verify(Check.http(app.resolve("/health")).status(200).bodyContains("ok")
 *         .within(Duration.ofSeconds(60)).every(Duration.ofSeconds(2)).consecutive(3))
 *     .verify(Check.command(Command.of("./smoke-test.sh").in(ops)).withName("smoke tests"))
 *     .verify(Check.metricRatio(app.resolve("/metrics"), "http_requests_total{code=~\"5..\"}", "http_requests_total")
 *         .below(0.05).absentAs(0).withName("5xx below 5 %"))
 *     .build();
 * }</pre>
 *
 * <p>Each check is tried once by default; {@code within(d)} keeps trying every {@code every(i)}
 * (default 1 s) until it passes {@code consecutive(n)} times in a row (default once) or the
 * deadline has passed. The polling loop checks for cancellation and sleeps interruptibly, so a
 * step timeout ({@code withTimeout}) stops it. A failure is a {@link CheckFailedException} whose
 * message says, AssertJ style, what was expected and what was found, and summarises the last
 * attempts. Bad input (a non-HTTP URI, a URI without host, a port out of range, a zero or
 * negative duration) is refused when the check is built ({@link dev.backstep.PlanDefinitionException});
 * settings that contradict each other ({@code consecutive(3)} without {@code within}, no
 * threshold on a gate) are refused by {@code validate}, before any step of the plan runs
 * ({@link dev.backstep.StepValidationException}).
 *
 * <p>Checks never show secrets: user-info in a URI and the values of secret-looking query
 * parameters ({@code token=}, {@code password=}, {@code api_key=}, …) are masked as
 * {@code ****} in step names, descriptions, messages, events and logs.
 */
public final class Check {
    /** What a check's compensation does: nothing, because a check changes nothing. */
    public static final Compensation COMPENSATION = Checks.NOTHING_TO_UNDO;

    private Check() {
    }

    /** {@code GET uri} must answer as expected (by default: with a 2xx status); see {@link HttpCheck}. */
    public static HttpCheck http(URI uri) {
        return HttpCheck.of(uri);
    }

    /** A TCP connection to {@code host:port} must open; see {@link TcpCheck}. */
    public static TcpCheck tcp(String host, int port) {
        return TcpCheck.of(host, port);
    }

    /** The command must exit with a success code; see {@link CommandCheck}. */
    public static CommandCheck command(Command command) {
        return CommandCheck.of(command);
    }

    /** The program must exit with code 0; see {@link CommandCheck}. */
    public static CommandCheck command(String... argv) {
        return CommandCheck.of(Command.of(argv));
    }

    /**
     * The sum of the samples of a Prometheus text exposition that {@code selector} selects
     * ({@code http_requests_total{code="500"}}) must pass a threshold; see {@link MetricCheck}.
     */
    public static MetricCheck metric(URI endpoint, String selector) {
        return MetricCheck.sample(endpoint, MetricSelector.parse(selector));
    }

    /** Like {@link #metric(URI, String)}. */
    public static MetricCheck metric(URI endpoint, MetricSelector selector) {
        return MetricCheck.sample(endpoint, selector);
    }

    /**
     * The ratio of two sums of samples, read in one scrape, must pass a threshold (an error
     * rate, the share of requests faster than a latency bucket); see {@link MetricCheck}.
     */
    public static MetricCheck metricRatio(URI endpoint, String numerator, String denominator) {
        return MetricCheck.ratio(endpoint, MetricSelector.parse(numerator), MetricSelector.parse(denominator));
    }

    /** Like {@link #metricRatio(URI, String, String)}. */
    public static MetricCheck metricRatio(URI endpoint, MetricSelector numerator, MetricSelector denominator) {
        return MetricCheck.ratio(endpoint, numerator, denominator);
    }

    /** A value read by your code must pass a threshold; see {@link MetricCheck}. */
    public static MetricCheck gate(String name, ValueSource source) {
        return MetricCheck.gate(name, source);
    }

    /**
     * No line of the log file written since the run (or the check) started may match a regular
     * expression; rotation-safe (inode and offset); see {@link LogCheck}.
     *
     * <pre>{@code
     * plan.verify(Check.log(Path.of("/var/log/shop/app.log")).since(Since.RUN_START).noneMatch("ERROR|FATAL"));
     * }</pre>
     */
    public static LogCheck log(java.nio.file.Path file) {
        if (file == null) {
            throw new dev.backstep.PlanDefinitionException(null, null, "check log: the file is null");
        }
        return LogCheck.of(new dev.backstep.check.internal.FileLog(file));
    }

    /** No line of {@code source} written since the run (or the check) started may match; see {@link LogCheck}. */
    public static LogCheck log(LogSource source) {
        return LogCheck.of(source);
    }

    /** A check of your own, with polling; see {@link CustomCheck}. */
    public static CustomCheck that(String name, StepAction check) {
        return CustomCheck.of(name, check);
    }

    /**
     * The compensation of each check type, keyed by {@link dev.backstep.Step#type()}: nothing to
     * undo, for a step registry.
     */
    public static Map<String, Compensation> compensations() {
        return Map.of(HttpCheck.TYPE, COMPENSATION, TcpCheck.TYPE, COMPENSATION, CommandCheck.TYPE, COMPENSATION,
                MetricCheck.TYPE, COMPENSATION, CustomCheck.TYPE, COMPENSATION, LogCheck.TYPE, COMPENSATION);
    }
}
