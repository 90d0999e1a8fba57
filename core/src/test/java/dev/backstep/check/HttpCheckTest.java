package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpCheckTest {
    private static final Duration FAST = Duration.ofMillis(20);

    @TempDir
    Path tmp;
    @AutoClose
    private final TestServer server = TestServer.start();

    private void run(HttpCheck check) throws Exception {
        CheckContext.run(check, tmp);
    }

    @Test
    void passesWhenTheEndpointAnswersTheExpectedStatus() throws Exception {
        server.always("/health", 200, "ok");

        assertThatCode(() -> run(Check.http(server.uri("/health")).status(200).bodyContains("ok")))
                .doesNotThrowAnyException();
        assertThat(server.hits("/health")).isEqualTo(1);
    }

    @Test
    void isAVerificationWithNothingToUndo() {
        HttpCheck check = Check.http(server.uri("/health"));

        assertThat(check.kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(check.type()).isEqualTo("check.http");
        assertThat(check.compensation().irreversibleReason()).isEmpty();
        assertThat(Check.compensations()).containsEntry("check.http", Check.COMPENSATION);
    }

    @Test
    void pollsUntilTheEndpointRecovers() throws Exception {
        server.on("/health", (ex, n) -> TestServer.respond(ex, n <= 2 ? 503 : 200, n <= 2 ? "starting" : "ok"));

        run(Check.http(server.uri("/health")).status(200).within(Duration.ofSeconds(30)).every(FAST));

        assertThat(server.hits("/health")).isEqualTo(3);
    }

    @Test
    void triesOnceByDefaultAndSaysWhatWasExpectedAndWhatCame() {
        server.always("/health", 503, "db down");
        HttpCheck check = Check.http(server.uri("/health")).status(200);

        assertThatThrownBy(() -> run(check))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("GET http://127.0.0.1:" + server.port()
                        + "/health: expected status <200> but was <503> (body: \"db down\")")
                .satisfies(e -> assertThat(((CheckFailedException) e).attempts()).isEqualTo(1));
        assertThat(server.hits("/health")).isEqualTo(1);
    }

    @Test
    void failsAtTheDeadlineSummarisingTheLastAttempts() {
        server.always("/health", 503, "");
        HttpCheck check = Check.http(server.uri("/health")).status(200).within(Duration.ofSeconds(1)).every(FAST);

        assertThatThrownBy(() -> run(check))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageStartingWith("GET http://127.0.0.1:" + server.port()
                        + "/health: expected status <200> but was <503> [")
                // how many attempts fit in the window depends on the machine's load: at least one, at most 3 shown
                .hasMessageMatching("(?s).* attempts within 1 s; last [123]: <503>(, <503>){0,2}]")
                .satisfies(e -> {
                    CheckFailedException f = (CheckFailedException) e;
                    assertThat(f.attempts()).isPositive().isEqualTo(server.hits("/health"));
                    assertThat(f.lastAttempts()).hasSizeBetween(1, 3).containsOnly("<503>");
                    assertThat(f.stepName()).isEqualTo(check.name());
                });
    }

    @Test
    void needsTheConsecutivePassesInARow() throws Exception {
        int[] codes = {200, 503, 200, 200, 200};
        server.on("/health", (ex, n) -> TestServer.respond(ex, codes[Math.min(n, codes.length) - 1], "x"));

        run(Check.http(server.uri("/health")).within(Duration.ofSeconds(30)).every(FAST).consecutive(3));

        assertThat(server.hits("/health")).isEqualTo(5);
    }

    @Test
    void defaultAcceptsAny2xxAndRangesAndSetsAreHonoured() throws Exception {
        server.always("/204", 204, "").always("/301", 301, "");

        run(Check.http(server.uri("/204")));
        run(Check.http(server.uri("/301")).status(200, 301));
        run(Check.http(server.uri("/301")).statusBetween(300, 399));
        assertThatThrownBy(() -> run(Check.http(server.uri("/301"))))
                .hasMessageEndingWith("expected status in <200..299> but was <301>");
        assertThatThrownBy(() -> run(Check.http(server.uri("/204")).status(200, 202)))
                .hasMessageEndingWith("expected status in <[200, 202]> but was <204>");
    }

    @Test
    void comparesBodyAndResponseHeaders() throws Exception {
        server.on("/version", (ex, n) -> {
            ex.getResponseHeaders().add("X-App-Version", "1.2.0");
            TestServer.respond(ex, 200, "{\"status\":\"degraded\"}");
        });
        URI uri = server.uri("/version");

        run(Check.http(uri).header("x-app-version", "1.2.0").bodyContains("degraded"));
        assertThatThrownBy(() -> run(Check.http(uri).header("X-App-Version", "1.3.0")))
                .hasMessageEndingWith("expected header <X-App-Version: 1.3.0> but was <1.2.0>");
        assertThatThrownBy(() -> run(Check.http(uri).header("X-Build", "7")))
                .hasMessageEndingWith("expected header <X-Build: 7> but there was none");
        assertThatThrownBy(() -> run(Check.http(uri).bodyContains("\"status\":\"up\"")))
                .hasMessageEndingWith("expected body to contain <\"\\\"status\\\":\\\"up\\\"\"> but was "
                        + "<\"{\\\"status\\\":\\\"degraded\\\"}\">");
    }

    @Test
    void aSlowResponseFailsTheAttemptAtTheRequestTimeout() {
        server.on("/slow", (ex, n) -> {
            server.release.await(1, TimeUnit.MINUTES);
            TestServer.respond(ex, 200, "late");
        });

        assertThatThrownBy(() -> run(Check.http(server.uri("/slow")).timeout(Duration.ofMillis(200))))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageEndingWith("/slow: expected a response but none came within 200 ms");
    }

    @Test
    void aClosedPortFailsWithConnectionRefused() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + closed + "/health");

        assertThatThrownBy(() -> run(Check.http(uri).within(Duration.ofSeconds(1)).every(FAST)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageStartingWith("GET " + uri + ": expected a response but the connection was refused [")
                .hasMessageContaining("refused, refused, refused]");
    }

    @Test
    void masksUserInfoAndSecretQueryValuesButSendsThem() {
        server.on("/health", (ex, n) -> TestServer.respond(ex, 401, "token s3cr3t-t0k3n rejected for hunter2"));
        URI uri = URI.create("http://ops:hunter2@127.0.0.1:" + server.port()
                + "/health?token=s3cr3t-t0k3n&verbose=1&api_key=k3y");
        HttpCheck check = Check.http(uri).status(200);
        String shown = "http://****@127.0.0.1:" + server.port() + "/health?token=****&verbose=1&api_key=****";

        assertThat(check.name()).isEqualTo("GET " + shown);
        assertThat(check.describe()).contains(shown).doesNotContain("hunter2", "s3cr3t", "k3y");
        assertThat(check.toString()).doesNotContain("hunter2", "s3cr3t");
        assertThatThrownBy(() -> run(check))
                .hasMessage("GET " + shown + ": expected status <200> but was <401> (body: \"token **** rejected for "
                        + "****\")");
        String basic = Base64.getEncoder().encodeToString("ops:hunter2".getBytes(StandardCharsets.UTF_8));
        assertThat(server.seenHeaders).contains("/health Authorization: Basic " + basic);
        assertThat(server.seenUris).containsExactly("/health?token=s3cr3t-t0k3n&verbose=1&api_key=k3y");
    }

    @Test
    void masksCredentialsAFailingServerEchoesInTheirBasicAndBearerForms() {
        server.on("/echo", (ex, n) -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String token = auth.substring(auth.indexOf(' ') + 1);
            String decoded = auth.startsWith("Basic ")
                    ? new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8) : "-";
            TestServer.respond(ex, 500, "got <" + auth + "> token <" + token + "> user:pw <" + decoded + ">");
        });
        String basic = Base64.getEncoder().encodeToString("ops:hunter2".getBytes(StandardCharsets.UTF_8));
        URI withUser = URI.create("http://ops:hunter2@127.0.0.1:" + server.port() + "/echo");
        assertThatThrownBy(() -> run(Check.http(withUser).status(200)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageContaining("got <Basic ****> token <****> user:pw <****>")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(basic, "hunter2"));

        HttpCheck bearer = Check.http(server.uri("/echo")).requestHeader("Authorization", Secret.of("Bearer tok-123.x"));
        assertThatThrownBy(() -> run(bearer))
                .hasMessageContaining("got <****> token <****>")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tok-123"));

        String ci = Base64.getEncoder().encodeToString("ci:pw-987".getBytes(StandardCharsets.UTF_8));
        HttpCheck basicHeader = Check.http(server.uri("/echo")).requestHeader("Authorization", Secret.of("Basic " + ci));
        assertThatThrownBy(() -> run(basicHeader))
                .hasMessageContaining("got <****> token <****> user:pw <****>")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ci, "pw-987"));
        assertThat(basicHeader.secrets()).extracting(Secret::reveal).contains("pw-987", ci, "ci:pw-987");
    }

    @Test
    void sendsSecretRequestHeadersAndShowsThemMasked() throws Exception {
        server.on("/admin/health", (ex, n) -> TestServer.respond(ex,
                "Bearer abc.def".equals(ex.getRequestHeaders().getFirst("Authorization")) ? 200 : 403, "ok"));
        HttpCheck check = Check.http(server.uri("/admin/health"))
                .requestHeader("Authorization", Secret.of("Bearer abc.def")).requestHeader("Accept", "text/plain");

        run(check);

        assertThat(check.describe()).contains("sending Accept: text/plain, Authorization: ****")
                .doesNotContain("abc.def");
    }

    @Test
    void refusesBadInputWhenBuilt() {
        assertThatThrownBy(() -> Check.http(URI.create("ftp://example.com/health")))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("check GET ftp://example.com/health")
                .hasMessageContaining("scheme must be http or https, was 'ftp'");
        assertThatThrownBy(() -> Check.http(URI.create("http:///health")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("has no host");
        assertThatThrownBy(() -> Check.http(URI.create("http://under_score:8080/health")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("has no host");
        assertThatThrownBy(() -> Check.http(URI.create("localhost:8080/health")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> Check.http(null)).isInstanceOf(PlanDefinitionException.class);
        HttpCheck ok = Check.http(server.uri("/health"));
        assertThatThrownBy(() -> ok.timeout(Duration.ZERO))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("step 'GET " + server.uri("/health") + "': timeout must be a positive duration, was PT0S");
        assertThatThrownBy(() -> ok.within(Duration.ofSeconds(-1))).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("within must be a positive duration");
        assertThatThrownBy(() -> ok.every(null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> ok.consecutive(0)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> ok.status(42)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("status 42 is not an HTTP status code");
        assertThatThrownBy(() -> ok.statusBetween(500, 200)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> ok.bodyContains("")).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> ok.requestHeader("Host", "example.com")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("'Host' cannot be sent");
        assertThatThrownBy(() -> ok.requestHeader("X-Token", Secret.of("a\nb")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageNotContaining("a\nb");
        assertThatThrownBy(() -> ok.withName(" ")).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.http(URI.create("http://127.0.0.1:70000/")))
                .isInstanceOf(PlanDefinitionException.class);
    }

    @Test
    void validationRefusesSettingsThatContradictEachOther() {
        HttpCheck noDeadline = Check.http(server.uri("/health")).consecutive(3).withName("health");
        HttpCheck swapped = Check.http(server.uri("/health")).within(Duration.ofSeconds(1)).every(Duration.ofSeconds(5));
        HttpCheck tooShort = Check.http(server.uri("/health")).within(Duration.ofSeconds(1))
                .every(Duration.ofMillis(600)).consecutive(3);

        CheckContext.refusedByValidation(noDeadline, tmp)
                .hasMessage("step 'health': consecutive(3) needs within(...): without it the check is tried only once");
        CheckContext.refusedByValidation(swapped, tmp)
                .hasMessageContaining("every(5 s) is longer than within(1 s)");
        CheckContext.refusedByValidation(tooShort, tmp)
                .hasMessageContaining("consecutive(3) every(600 ms) needs at least 1.2 s but within is 1 s");
        assertThat(server.hits("/health")).isZero();
    }

    @Test
    void stopsPollingWhenCancelled() {
        HttpCheck check = Check.http(server.uri("/health")).within(Duration.ofMinutes(10)).every(FAST);
        AtomicBoolean cancelled = new AtomicBoolean();
        StepContext ctx = CheckContext.forward(check, tmp, cancelled::get);
        server.on("/health", (ex, n) -> {
            cancelled.set(true);
            TestServer.respond(ex, 503, "");
        });

        assertThatThrownBy(() -> check.execute(ctx)).isInstanceOf(StepCancelledException.class);
        assertThat(server.hits("/health")).isEqualTo(1);
    }

    @Test
    void anInterruptStopsASlowRequest() throws Exception {
        server.on("/slow", (ex, n) -> {
            server.release.await(1, TimeUnit.MINUTES);
            TestServer.respond(ex, 200, "late");
        });
        HttpCheck check = Check.http(server.uri("/slow")).timeout(Duration.ofMinutes(10));
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                check.execute(CheckContext.forward(check, tmp));
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        t.start();
        while (server.hits("/slow") == 0) {
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(t.isAlive()).as("the interrupted check still runs").isFalse();

        assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
    }
}
