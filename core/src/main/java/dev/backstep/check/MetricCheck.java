package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.internal.Attempt;
import dev.backstep.check.internal.Http;
import dev.backstep.check.internal.Polling;
import dev.backstep.check.internal.PromText;
import dev.backstep.check.internal.Texts;
import dev.backstep.check.internal.Uris;
import dev.backstep.internal.Redactor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * A threshold gate: reads a number and passes while it is {@link #below} and/or {@link #above}
 * a threshold, the runbooks' "roll back when 5xx &gt; 5 %, p95 &gt; 5 s, or an alert fires".
 * Built by {@link Check#metric}, {@link Check#metricRatio} and {@link Check#gate}; immutable.
 *
 * <p>The number comes from a Prometheus text exposition (an app's {@code /metrics}, or
 * Prometheus' own {@code /federate?match[]=...}, which serves recording rules and
 * {@code ALERTS} in the same format): the sum of the samples a {@link MetricSelector} selects,
 * or the ratio of two such sums, read in one scrape. This is a selector over one scrape, not
 * PromQL: counters are totals since the process started (right after a restart, that is the new
 * release's traffic). Or it comes from any {@link ValueSource}.
 *
 * <pre>{@code
 * URI metrics = URI.create("http://127.0.0.1:8000/metrics");
 * // 5xx rate below 5 % (no 5xx series yet counts as 0)
 * Step errors = Check.metricRatio(metrics, "http_requests_total{code=~\"5..\"}", "http_requests_total")
 *     .below(0.05).absentAs(0).within(Duration.ofMinutes(2)).every(Duration.ofSeconds(10));
 * // p95 latency at most 5 s: at least 95 % of requests in the le="5.0" bucket
 * Step latency = Check.metricRatio(metrics, "http_request_duration_seconds_bucket{le=\"5.0\"}",
 *         "http_request_duration_seconds_count").above(0.95);
 * // no critical alert firing
 * Step alerts = Check.metric(URI.create("http://prometheus:9090/federate?match[]=ALERTS"),
 *         "ALERTS{alertstate=\"firing\",severity=\"critical\"}").below(1).absentAs(0);
 * }</pre>
 *
 * <p>A selector that matches no sample (or a ratio whose denominator is 0) has no value and
 * fails the attempt, unless {@link #absentAs} gives one; beware that a misspelt selector is
 * absent too. A failure reads like {@code ratio http_requests_total{code=~"5.."} /
 * http_requests_total at http://127.0.0.1:8000/metrics: expected a value below <0.05> but was
 * <0.25>}.
 */
public final class MetricCheck extends PollingCheck<MetricCheck> {
    /** The {@link #type()} of metric checks and gates. */
    public static final String TYPE = "check.metric";
    /** How long one scrape may take unless {@link #timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Source source;
    private final Double below;
    private final Double above;
    private final Double absentAs;
    private final Duration timeout;

    private MetricCheck(Source source, String name, Double below, Double above, Double absentAs, Duration timeout,
                        Schedule schedule) {
        super(name, TYPE, schedule);
        this.source = source;
        this.below = below;
        this.above = above;
        this.absentAs = absentAs;
        this.timeout = timeout;
    }

    static MetricCheck sample(URI endpoint, MetricSelector selector) {
        checkEndpoint(endpoint, "metric " + selector);
        return scrape(new Scrape(endpoint, List.of(requireSelector(selector))));
    }

    static MetricCheck ratio(URI endpoint, MetricSelector numerator, MetricSelector denominator) {
        checkEndpoint(endpoint, "ratio " + numerator + " / " + denominator);
        return scrape(new Scrape(endpoint, List.of(requireSelector(numerator), requireSelector(denominator))));
    }

    private static MetricCheck scrape(Scrape scrape) {
        return new MetricCheck(scrape, scrape.defaultName(), null, null, null, DEFAULT_TIMEOUT, Schedule.ONCE);
    }

    static MetricCheck gate(String name, ValueSource source) {
        Checks.name("gate", name);
        if (source == null) {
            throw new PlanDefinitionException(null, name, "the value source is null");
        }
        return new MetricCheck(new Custom(name, source), name, null, null, null, DEFAULT_TIMEOUT, Schedule.ONCE);
    }

    /** Passes while the value is less than {@code threshold}. */
    public MetricCheck below(double threshold) {
        return new MetricCheck(source, name(), finite("below", threshold), above, absentAs, timeout, schedule());
    }

    /** Passes while the value is greater than {@code threshold}. */
    public MetricCheck above(double threshold) {
        return new MetricCheck(source, name(), below, finite("above", threshold), absentAs, timeout, schedule());
    }

    /**
     * The value to use when there is none (no matching sample, a ratio's denominator is 0, a
     * {@link ValueSource} returned NaN): for series that only appear once they are counted.
     */
    public MetricCheck absentAs(double value) {
        return new MetricCheck(source, name(), below, above, finite("absentAs", value), timeout, schedule());
    }

    /** How long one scrape of the endpoint may take; default {@link #DEFAULT_TIMEOUT}. No effect on a gate. */
    public MetricCheck timeout(Duration perScrape) {
        return new MetricCheck(source, name(), below, above, absentAs, Polling.positive(name(), "timeout", perScrape),
                schedule());
    }

    @Override
    protected MetricCheck copy(String name, Schedule schedule) {
        return new MetricCheck(source, name, below, above, absentAs, timeout, schedule);
    }

    @Override
    public void validate(StepContext ctx) {
        if (source instanceof Scrape s) {
            Uris.problem(s.uri).ifPresent(p -> {
                throw new StepValidationException(name(), p);
            });
        }
        if (below == null && above == null) {
            throw new StepValidationException(name(), "no threshold: call below(...) and/or above(...)");
        }
        if (below != null && above != null && above >= below) {
            throw new StepValidationException(name(), "above(" + Texts.number(above) + ") and below("
                    + Texts.number(below) + ") leave no value that passes");
        }
        super.validate(ctx);
    }

    /**
     * Reads the value until it passes.
     *
     * @throws CheckFailedException when it did not, in time
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        validate(ctx);
        pollAttempts(ctx, () -> attempt(ctx));
    }

    private Attempt attempt(StepContext ctx) throws Exception {
        Reading r = source.read(ctx, timeout);
        if (r.failure != null) {
            return r.failure;
        }
        double v = r.value;
        if (Double.isNaN(v)) {
            if (absentAs == null) {
                return Attempt.fail("expected a value " + thresholds() + " but " + r.absence, "no value", null);
            }
            v = absentAs;
        }
        boolean ok = (below == null || v < below) && (above == null || v > above);
        String shown = "<" + Texts.number(v) + ">";
        return ok ? Attempt.pass(shown)
                : Attempt.fail("expected a value " + thresholds() + " but was " + shown
                        + (Double.isNaN(r.value) ? " (" + r.absence + ")" : ""), shown, null);
    }

    @Override
    public String describe() {
        return "check " + what() + " " + (below == null && above == null ? "(no threshold)" : thresholds())
                + (absentAs == null ? "" : ", no value counting as " + Texts.number(absentAs)) + polled();
    }

    private String thresholds() {
        if (below != null && above != null) {
            return "above <" + Texts.number(above) + "> and below <" + Texts.number(below) + ">";
        }
        return below != null ? "below <" + Texts.number(below) + ">" : "above <" + Texts.number(above) + ">";
    }

    @Override
    String what() {
        return source.what();
    }

    private double finite(String what, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new PlanDefinitionException(null, name(), what + "(" + v + ") needs a finite number");
        }
        return v;
    }

    private static void checkEndpoint(URI endpoint, String what) {
        Uris.problem(endpoint).ifPresent(p -> {
            throw new PlanDefinitionException(null, null, "check " + what + " at " + Uris.masked(endpoint) + ": " + p);
        });
    }

    private static MetricSelector requireSelector(MetricSelector s) {
        if (s == null) {
            throw new PlanDefinitionException(null, null, "check metric: the metric selector is null");
        }
        return s;
    }

    /** A value, or NaN with why there is none, or a failed attempt. */
    private record Reading(double value, String absence, Attempt failure) {
    }

    private sealed interface Source permits Scrape, Custom {
        String what();

        String defaultName();

        Reading read(StepContext ctx, Duration timeout) throws Exception;
    }

    /** One scrape of a text exposition; one selector (a sum) or two (a ratio). */
    private record Scrape(URI uri, List<MetricSelector> selectors) implements Source {
        @Override
        public String what() {
            return defaultName() + " at " + Uris.masked(uri);
        }

        @Override
        public String defaultName() {
            return selectors.size() == 1 ? "metric " + selectors.get(0)
                    : "ratio " + selectors.get(0) + " / " + selectors.get(1);
        }

        @Override
        public Reading read(StepContext ctx, Duration timeout) throws InterruptedException {
            Redactor redactor = Redactor.of(Uris.secrets(uri));
            Sums sums = new Sums(selectors);
            HttpResponse<Sums> r;
            try {
                r = Http.send(Http.request(uri, Map.of()).header("Accept", "text/plain").build(),
                        HttpResponse.BodyHandlers.fromLineSubscriber(sums, s -> s, null), timeout);
            } catch (IOException e) {
                return new Reading(Double.NaN, null, Http.failure(e, timeout, redactor));
            }
            if (r.statusCode() < 200 || r.statusCode() > 299) {
                return new Reading(Double.NaN, null, Attempt.fail("expected the metrics with status in <200..299> "
                        + "but was <" + r.statusCode() + ">", "<" + r.statusCode() + ">", null));
            }
            if (sums.malformed != null) {
                return new Reading(Double.NaN, null, Attempt.fail("expected a sample but " + sums.malformed,
                        "malformed", null));
            }
            for (int i = 0; i < selectors.size(); i++) {
                if (sums.counts[i] == 0) {
                    return new Reading(Double.NaN, "there was no sample of " + selectors.get(i), null);
                }
            }
            if (selectors.size() == 1) {
                return new Reading(sums.sums[0], "the samples of " + selectors.get(0) + " add up to NaN", null);
            }
            if (sums.sums[1] == 0) {
                return new Reading(Double.NaN, "the denominator " + selectors.get(1) + " was 0", null);
            }
            return new Reading(sums.sums[0] / sums.sums[1], "the ratio is NaN", null);
        }
    }

    /** A value from a {@link ValueSource}. */
    private record Custom(String name, ValueSource source) implements Source {
        @Override
        public String what() {
            return name;
        }

        @Override
        public String defaultName() {
            return name;
        }

        @Override
        public Reading read(StepContext ctx, Duration timeout) throws Exception {
            try {
                return new Reading(source.read(ctx), "the value source returned NaN", null);
            } catch (InterruptedException | StepCancelledException e) {
                throw e;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                return new Reading(Double.NaN, null, Attempt.fail("expected a value but reading it failed: "
                        + Texts.message(e), e.getClass().getSimpleName(), e));
            }
        }
    }

    /** Adds up the selected samples line by line as the body arrives. */
    private static final class Sums implements Flow.Subscriber<String> {
        private final List<MetricSelector> selectors;
        final double[] sums;
        final int[] counts;
        String malformed;
        private int line;

        Sums(List<MetricSelector> selectors) {
            this.selectors = selectors;
            this.sums = new double[selectors.size()];
            this.counts = new int[selectors.size()];
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String text) {
            line++;
            String metric = PromText.nameOf(text);
            if (metric == null || malformed != null) {
                return;
            }
            PromText.Sample sample = null;
            for (int i = 0; i < selectors.size(); i++) {
                if (!selectors.get(i).name().equals(metric)) {
                    continue;
                }
                if (sample == null) {
                    try {
                        sample = PromText.parse(text);
                    } catch (IllegalArgumentException e) {
                        malformed = "line " + line + " is malformed (" + e.getMessage() + "): "
                                + Texts.snippet(text, 80);
                        return;
                    }
                }
                if (selectors.get(i).matches(sample.name(), sample.labels())) {
                    sums[i] += sample.value();
                    counts[i]++;
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the response future fails with it
        }

        @Override
        public void onComplete() {
            // the finisher reads the sums
        }
    }
}
