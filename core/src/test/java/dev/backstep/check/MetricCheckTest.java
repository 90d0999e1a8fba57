package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricCheckTest {
    /** What a Python or Go client serves: 100 requests, 4 + 1 of them 5xx, 97 within 5 s. */
    private static final String METRICS = """
            # HELP http_requests_total Total HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{code="200",method="GET"} 90
            http_requests_total{code="200",method="POST"} 5
            http_requests_total{method="GET",code="500"} 4
            http_requests_total{code="503",method="GET",path="/a,b}\\"c"} 1 1700000000000
            # HELP http_request_duration_seconds Latency.
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{le="1.0"} 80
            http_request_duration_seconds_bucket{le="5.0"} 97
            http_request_duration_seconds_bucket{le="+Inf"} 100
            http_request_duration_seconds_count 100
            http_request_duration_seconds_sum 130.5
            queue_depth 3
            cache_ratio NaN
            """;

    @TempDir
    Path tmp;
    @AutoClose
    private final TestServer server = TestServer.start();
    private URI metrics;

    @BeforeEach
    void serveMetrics() {
        server.on("/metrics", (ex, n) -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            TestServer.respond(ex, 200, METRICS);
        });
        metrics = server.uri("/metrics");
    }

    private void run(MetricCheck check) throws Exception {
        CheckContext.run(check, tmp);
    }

    @Test
    void comparesTheSumOfTheSelectedSamplesWithTheThreshold() throws Exception {
        MetricCheck errors500 = Check.metric(metrics, "http_requests_total{code=\"500\"}");

        run(errors500.below(5));
        run(Check.metric(metrics, "http_requests_total").above(99).below(101));
        assertThatThrownBy(() -> run(errors500.below(4)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("metric http_requests_total{code=\"500\"} at " + metrics
                        + ": expected a value below <4> but was <4>");
        assertThat(errors500.kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(errors500.name()).isEqualTo("metric http_requests_total{code=\"500\"}");
    }

    @Test
    void expressesTheErrorRateGateAsARatio() throws Exception {
        MetricCheck rate = Check.metricRatio(metrics, "http_requests_total{code=~\"5..\"}", "http_requests_total");

        run(rate.below(0.06));
        assertThatThrownBy(() -> run(rate.below(0.05)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("ratio http_requests_total{code=~\"5..\"} / http_requests_total at " + metrics
                        + ": expected a value below <0.05> but was <0.05>");
    }

    @Test
    void expressesTheLatencyGateAsTheShareWithinABucket() throws Exception {
        MetricCheck within5s = Check.metricRatio(metrics, "http_request_duration_seconds_bucket{le=\"5.0\"}",
                "http_request_duration_seconds_count");

        run(within5s.above(0.95));
        assertThatThrownBy(() -> run(within5s.above(0.99))).hasMessageEndingWith("but was <0.97>");
    }

    @Test
    void labelValuesWithEscapesAndCommasAreMatched() throws Exception {
        run(Check.metric(metrics, MetricSelector.named("http_requests_total").label("path", "/a,b}\"c")).above(0.5)
                .below(1.5));
    }

    @Test
    void aMissingSeriesFailsUnlessItCountsAsAValue() throws Exception {
        MetricCheck teapots = Check.metric(metrics, "http_requests_total{code=\"418\"}").below(1);

        assertThatThrownBy(() -> run(teapots))
                .hasMessageEndingWith(": expected a value below <1> but there was no sample of "
                        + "http_requests_total{code=\"418\"}");
        run(teapots.absentAs(0));
        assertThatThrownBy(() -> run(Check.metric(metrics, "cache_ratio").below(1)))
                .hasMessageEndingWith("but the samples of cache_ratio add up to NaN");
        assertThatThrownBy(() -> run(Check.metricRatio(metrics, "queue_depth", "http_requests_total{code=\"0\"}")
                .below(1))).hasMessageEndingWith("but there was no sample of http_requests_total{code=\"0\"}");
    }

    @Test
    void pollsUntilTheValueComesDown() throws Exception {
        AtomicInteger served = new AtomicInteger();
        server.on("/queue", (ex, n) -> {
            served.set(n);
            TestServer.respond(ex, 200, "queue_depth " + Math.max(0, 30 - 10 * n) + "\n");
        });

        run(Check.metric(server.uri("/queue"), "queue_depth").below(1).within(Duration.ofSeconds(30))
                .every(Duration.ofMillis(20)));

        assertThat(served.get()).isEqualTo(3);
    }

    @Test
    void anEndpointThatFailsOrServesGarbageFailsTheCheck() {
        server.always("/broken", 500, "oops").always("/garbage", 200, "queue_depth{x=\"1\" 3\n");

        assertThatThrownBy(() -> run(Check.metric(server.uri("/broken"), "queue_depth").below(1)))
                .hasMessageEndingWith(": expected the metrics with status in <200..299> but was <500>");
        assertThatThrownBy(() -> run(Check.metric(server.uri("/garbage"), "queue_depth").below(1)))
                .hasMessageContaining("expected a sample but line 1 is malformed");
    }

    @Test
    void gatesAnyValueYourCodeReads() throws Exception {
        AtomicInteger reads = new AtomicInteger();

        run(Check.gate("replication lag", ctx -> 3 - reads.incrementAndGet()).below(1)
                .within(Duration.ofSeconds(30)).every(Duration.ofMillis(10)));
        assertThat(reads.get()).isEqualTo(3);
        assertThatThrownBy(() -> run(Check.gate("5xx rate", ctx -> 0.2).below(0.05)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("5xx rate: expected a value below <0.05> but was <0.2>");
        assertThatThrownBy(() -> run(Check.gate("lag", ctx -> {
            throw new IllegalStateException("replica unreachable");
        }).below(1))).hasMessage("lag: expected a value but reading it failed: replica unreachable")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void masksSecretsOfTheEndpoint() {
        server.always("/fed", 403, "");
        URI secret = URI.create("http://127.0.0.1:" + server.port() + "/fed?match[]=ALERTS&access_token=t0k3n");
        MetricCheck alerts = Check.metric(secret, "ALERTS{alertstate=\"firing\"}").below(1).absentAs(0);

        assertThat(alerts.describe()).contains("access_token=****").doesNotContain("t0k3n");
        assertThatThrownBy(() -> run(alerts)).hasMessageContaining("access_token=****")
                .hasMessageNotContaining("t0k3n");
    }

    @Test
    void validationNeedsAThresholdThatSomeValuePasses() {
        MetricCheck none = Check.metric(metrics, "queue_depth");
        MetricCheck empty = Check.metric(metrics, "queue_depth").above(5).below(5);

        CheckContext.refusedByValidation(none, tmp)
                .hasMessage("step 'metric queue_depth': no threshold: call below(...) and/or above(...)");
        CheckContext.refusedByValidation(empty, tmp)
                .hasMessageContaining("above(5) and below(5) leave no value that passes");
    }

    @Test
    void refusesBadInputWhenBuilt() {
        assertThatThrownBy(() -> Check.metric(URI.create("file:///tmp/metrics"), "x"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("scheme must be http or https");
        assertThatThrownBy(() -> Check.metric(metrics, "http_requests_total{code=500}"))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("metric selector 'http_requests_total{code=500}'");
        assertThatThrownBy(() -> Check.metric(metrics, "9lives")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("is not a metric name");
        assertThatThrownBy(() -> Check.metric(metrics, "x{code=~\"5(\"}")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("bad regular expression");
        assertThatThrownBy(() -> Check.metric(metrics, "x").below(Double.NaN))
                .isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.gate("", ctx -> 1)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.gate("g", null)).isInstanceOf(PlanDefinitionException.class);
    }

    @Test
    void parsesAndPrintsSelectors() {
        MetricSelector s = MetricSelector.parse(" http_requests_total{ code =~ \"5..\" , method!=\"HEAD\",} ");

        assertThat(s).hasToString("http_requests_total{code=~\"5..\",method!=\"HEAD\"}")
                .isEqualTo(MetricSelector.named("http_requests_total").labelMatches("code", "5..")
                        .labelNot("method", "HEAD"));
        assertThat(s.matches("http_requests_total", java.util.Map.of("code", "503", "method", "GET"))).isTrue();
        assertThat(s.matches("http_requests_total", java.util.Map.of("code", "5033"))).isFalse();
        assertThat(s.matches("http_requests_total", java.util.Map.of("code", "500", "method", "HEAD"))).isFalse();
        assertThat(MetricSelector.parse("up{job=\"\"}").matches("up", java.util.Map.of())).isTrue();
        assertThat(MetricSelector.parse("up{job!~\"api.*\"}").matches("up", java.util.Map.of("job", "api-1")))
                .isFalse();
        assertThatThrownBy(() -> MetricSelector.parse("up{job=\"x\"} extra"))
                .isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> MetricSelector.parse("up{job=\"x\"")).isInstanceOf(PlanDefinitionException.class);
    }

    @Test
    void describesTheGate() {
        assertThat(Check.metricRatio(metrics, "a{code=~\"5..\"}", "a").below(0.05).absentAs(0)
                .within(Duration.ofMinutes(2)).every(Duration.ofSeconds(10)).describe())
                .isEqualTo("check ratio a{code=~\"5..\"} / a at " + metrics
                        + " below <0.05>, no value counting as 0 (within 2 min, every 10 s)");
    }
}
