package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepTimeoutException;
import dev.backstep.StepValidationException;
import dev.backstep.event.RunListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks run by the real engine: a failing check rolls back what came before it. */
class CheckPlanTest {
    @TempDir
    Path tmp;
    @AutoClose
    private final TestServer server = TestServer.start();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private Runner runner() {
        return Backstep.runner().stateDir(tmp.resolve("state"))
                .listener(RunListener.console(new PrintStream(console, true, StandardCharsets.UTF_8))).build();
    }

    /** Writes a file; its compensation removes it (from the recorded path). */
    private Step write(String name) {
        Path file = tmp.resolve(name);
        return Step.named("write " + name)
                .action(ctx -> {
                    ctx.record("file", file.toString());
                    Files.writeString(file, name);
                })
                .compensation(ctx -> ctx.recorded("file").ifPresent(f -> {
                    try {
                        Files.deleteIfExists(Path.of(f));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }))
                .build();
    }

    @Test
    void aFailingHealthCheckRollsBackTheStepsBeforeIt() {
        server.always("/health", 503, "payment provider timeout");
        Plan plan = Plan.named("deploy").target("shop")
                .step(write("a")).step(write("b"))
                .verify(Check.http(server.uri("/health")).status(200).within(Duration.ofMillis(300))
                        .every(Duration.ofMillis(50)).withName("health check"))
                .build();

        RunResult result = runner().run(plan);

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(result.failedStep()).contains("health check");
        assertThat(result.compensated()).containsExactly("write b", "write a");
        assertThat(tmp.resolve("a")).doesNotExist();
        assertThat(tmp.resolve("b")).doesNotExist();
        assertThat(result.failure()).get().extracting(Throwable::getMessage).asString()
                .contains("GET " + server.uri("/health") + ": expected status <200> but was <503> (body: \"payment "
                        + "provider timeout\")");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("expected status <200> but was <503>");
    }

    @Test
    void passingChecksLetTheRunSucceed() throws Exception {
        server.always("/health", 200, "ok").always("/metrics", 200, "http_requests_total{code=\"200\"} 10\n");
        try (java.net.ServerSocket port = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            Plan plan = Plan.named("deploy").target("shop")
                    .step(write("a"))
                    .verify(Check.tcp("127.0.0.1", port.getLocalPort()))
                    .verify(Check.http(server.uri("/health")).bodyContains("ok"))
                    .verify(Check.command("true"))
                    .verify(Check.metricRatio(server.uri("/metrics"), "http_requests_total{code=~\"5..\"}",
                            "http_requests_total").below(0.05).absentAs(0))
                    .build();

            RunResult result = runner().run(plan);

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(tmp.resolve("a")).hasContent("a");
        }
    }

    @Test
    void aStepTimeoutStopsAPollingCheck() {
        server.always("/health", 503, "");
        Plan plan = Plan.named("deploy").target("shop")
                .step(write("a"))
                .verify(Check.http(server.uri("/health")).within(Duration.ofMinutes(5)).every(Duration.ofMillis(20))
                        .withName("health").withTimeout(Duration.ofMillis(300)))
                .build();

        RunResult result = runner().run(plan);

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(result.step("health").error()).get().extracting(Throwable::getCause)
                .isInstanceOf(StepTimeoutException.class);
        assertThat(tmp.resolve("a")).doesNotExist();
    }

    @Test
    void aContradictoryCheckIsRefusedBeforeAnythingRuns() {
        Plan plan = Plan.named("deploy").target("shop")
                .step(write("a"))
                .verify(Check.http(server.uri("/health")).consecutive(3).withName("health"))
                .build();

        assertThatThrownBy(() -> runner().run(plan)).isInstanceOf(StepValidationException.class)
                .hasMessageContaining("step 'health': consecutive(3) needs within(...)");
        assertThat(tmp.resolve("a")).doesNotExist();
        assertThat(server.hits("/health")).isZero();
    }

    @Test
    void aDryRunRequestsNothing() {
        server.always("/health", 200, "ok");
        Plan plan = Plan.named("deploy").target("shop")
                .step(write("a"))
                .verify(Check.http(server.uri("/health")).status(200).within(Duration.ofSeconds(2)))
                .build();

        DryRun preview = runner().dryRun(plan);

        assertThat(preview.toText()).contains("check GET " + server.uri("/health") + ": status <200> (within 2 s");
        assertThat(server.hits("/health")).isZero();
        assertThat(tmp.resolve("a")).doesNotExist();
    }

    @Test
    void secretsOfACheckReachNeitherJournalNorConsole() throws IOException {
        server.always("/health", 503, "");
        URI uri = URI.create("http://deploy:hunter2@127.0.0.1:" + server.port() + "/health?token=s3cr3t");
        Plan plan = Plan.named("deploy").target("shop")
                .step(write("a"))
                .verify(Check.http(uri).status(200))
                .build();

        RunResult result = runner().run(plan);

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(result.report().toText()).contains("token=****").doesNotContain("hunter2", "s3cr3t");
        assertThat(result.report().toJson()).doesNotContain("hunter2", "s3cr3t");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("****").doesNotContain("hunter2", "s3cr3t");
        try (Stream<Path> files = Files.walk(tmp.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("hunter2", "s3cr3t");
            }
        }
    }
}
