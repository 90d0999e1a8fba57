package dev.backstep.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Command;
import dev.backstep.Evidence;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Evidence} captured from real files, processes and a real HTTP server when a rollback starts. */
class EvidenceTest {
    @TempDir
    Path tmp;
    private Path conf;
    private Path log;
    private Path state;
    private HttpServer server;
    private URI metrics;
    private URI broken;

    @BeforeEach
    void setUp() throws IOException {
        conf = Files.writeString(tmp.resolve("shop.conf"), "listen 80;\n");
        log = Files.writeString(tmp.resolve("app.log"), "x".repeat(5000) + "\n"
                + "ERROR login failed for token hunter2-token\n");
        state = tmp.resolve("state");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/metrics", ex -> {
            byte[] body = "http_requests_total{code=\"503\"} 17\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/broken", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        metrics = URI.create(base + "/metrics");
        broken = URI.create(base + "/broken");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Plan.Builder plan() {
        return evidence(Plan.named("deploy shop").target("shop")
                .step(ConfigFile.replace(conf, "listen 8080;\n"))
                .step(Command.of("true").env("TOKEN", Secret.of("hunter2-token")).compensatedBy("true")));
    }

    private Plan.Builder evidence(Plan.Builder b) {
        return b.evidence(Evidence.file(conf),
                        Evidence.command("cat", log.toString()).maxBytes(100),
                        Evidence.http(metrics),
                        Evidence.http(broken),
                        Evidence.file(tmp.resolve("missing.log")),
                        Evidence.command("no-such-program-backstep"));
    }

    private Runner runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(tmp.resolve("journal"))).build();
    }

    @Test
    void aLiveRollbackCapturesEverythingBeforeAnyCompensationOwnerOnlyBoundedAndMasked() throws Exception {
        RunResult r = runner().run(plan().verify(Step.verification("health", ctx -> {
            throw new BackstepException("503");
        })).build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(conf)).isEqualTo("listen 80;\n");
        List<Evidence.Captured> ev = r.evidence();
        assertThat(ev).extracting(Evidence.Captured::what).containsExactly("file " + conf,
                "command cat " + log, "http GET " + metrics, "http GET " + broken, "file " + tmp.resolve("missing.log"),
                "command no-such-program-backstep");
        // the copy holds what the failed deploy left: it was taken before the compensation restored the file
        assertThat(ev.get(0).file().orElseThrow()).hasContent("listen 8080;");
        Path cmd = ev.get(1).file().orElseThrow();
        assertThat(Files.readString(cmd)).contains("login failed for token ****").doesNotContain("hunter2");
        assertThat(ev.get(1).truncated()).isTrue();
        assertThat(Files.readString(cmd).length()).isLessThanOrEqualTo(100);
        assertThat(ev.get(2).file().orElseThrow()).hasContent("http_requests_total{code=\"503\"} 17");
        assertThat(ev.get(2).succeeded()).isTrue();
        assertThat(ev.get(3).error()).contains("HTTP 500");
        assertThat(ev.get(4).error()).hasValueSatisfying(e -> assertThat(e).contains("missing.log"));
        assertThat(ev.get(4).file()).isEmpty();
        assertThat(ev.get(5).succeeded()).isFalse();
        for (Evidence.Captured c : ev) {
            if (c.file().isPresent()) {
                Path f = c.file().get();
                assertThat(f).startsWith(state.resolve("runs").resolve(r.runId().value()).resolve("evidence"));
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())))
                        .isEqualTo("rwx------");
            }
        }
        assertThat(r.report().toText()).contains("evidence: file " + conf + " -> " + ev.get(0).file().get())
                .containsPattern("evidence: http GET " + java.util.regex.Pattern.quote(broken.toString()) + " -> .*04-http.txt FAILED: HTTP 500");
        assertThat(r.report().toJson()).contains("\"evidence\":[{\"what\":\"file " + conf + "\",\"file\":\""
                + ev.get(0).file().get() + "\"");
        assertThat(r.report().toHtml()).contains("<section id=\"evidence\">")
                .contains("<a href=\"" + ev.get(0).file().get().toUri() + "\">file " + conf + "</a>");
    }

    @Test
    void aSucceededRunCapturesNothingAndALaterRollbackByAnotherRunnerCapturesFirst() throws Exception {
        RunResult ok = runner().run(evidence(Plan.named("deploy shop").target("shop")
                .step(ConfigFile.replace(conf, "listen 8080;\n"))).build());
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.evidence()).isEmpty();
        assertThat(state.resolve("runs").resolve(ok.runId().value()).resolve("evidence").resolve("spec"))
                .exists();

        RunResult back = runner().rollback(ok.runId());

        assertThat(back.status()).as(back.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(conf)).isEqualTo("listen 80;\n");
        assertThat(back.evidence()).hasSize(6);
        assertThat(back.evidence().get(0).file().orElseThrow()).hasContent("listen 8080;");
        assertThat(back.evidence().get(2).succeeded()).isTrue();
    }

    @Test
    void rollingBackToAnEarlierRunListsTheEvidenceCapturedBeforeTheLaterRunWasUndone() throws Exception {
        RunResult v1 = runner().run(Plan.named("deploy shop").target("shop")
                .step(ConfigFile.replace(conf, "listen 81;\n")).build());
        RunResult v2 = runner().run(evidence(Plan.named("deploy shop").target("shop")
                .step(ConfigFile.replace(conf, "listen 8080;\n"))).build());
        assertThat(v2.succeeded()).isTrue();

        List<RunResult> back = runner().rollbackTo(v1.runId());

        assertThat(back).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo(v2.runId());
            assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(r.evidence()).hasSize(6);
            assertThat(r.evidence().get(0).file().orElseThrow()).hasContent("listen 8080;");
            assertThat(r.report().toText()).contains("evidence: file " + conf);
        });
        assertThat(Files.readString(conf)).isEqualTo("listen 81;\n");
    }

    @Test
    void aHangingCaptureIsCutAtItsTimeoutAndTheRollbackStillRuns() throws Exception {
        long t0 = System.nanoTime();
        RunResult r = runner().run(Plan.named("p").step(ConfigFile.replace(conf, "listen 8080;\n"))
                .verify(Step.verification("health", ctx -> {
                    throw new BackstepException("503");
                }))
                .evidence(Evidence.command("sleep", "600").timeout(Duration.ofSeconds(1)), Evidence.file(conf))
                .build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(120));
        assertThat(Files.readString(conf)).isEqualTo("listen 80;\n");
        assertThat(r.evidence()).hasSize(2);
        assertThat(r.evidence().get(0).succeeded()).isFalse();
        assertThat(r.evidence().get(1).file().orElseThrow()).hasContent("listen 8080;");
    }

    @Test
    void recoveryOfAnInterruptedRunCapturesBeforeItCompensates() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Plan plan = Plan.named("p").target("shop").step(ConfigFile.replace(conf, "listen 8080;\n"))
                .step(Step.named("wait").action(ctx -> {
                    started.countDown();
                    while (!ctx.isCancelled()) {
                        Thread.sleep(5);
                    }
                }).compensation(ctx -> { }).timeout(Duration.ofMinutes(10)).build())
                .evidence(Evidence.file(conf)).build();
        java.util.concurrent.atomic.AtomicReference<RunResult> first = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> first.set(runner().run(plan)));
        t.start();
        assertThat(started.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        t.interrupt();
        t.join(java.util.concurrent.TimeUnit.MINUTES.toMillis(1));
        assertThat(t.isAlive()).isFalse();
        assertThat(first.get().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(first.get().evidence()).isEmpty();

        dev.backstep.Recovery rec = runner().recover(plan);

        assertThat(rec.recovered()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(r.evidence()).singleElement()
                    .satisfies(c -> assertThat(c.file().orElseThrow()).hasContent("listen 8080;"));
        });
        assertThat(Files.readString(conf)).isEqualTo("listen 80;\n");
    }

    @Test
    void badEvidenceIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> Evidence.file(Path.of("relative.log"))).isInstanceOf(BackstepException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> Evidence.command()).isInstanceOf(BackstepException.class)
                .hasMessageContaining("program");
        assertThatThrownBy(() -> Evidence.http(URI.create("file:///etc/passwd"))).isInstanceOf(BackstepException.class)
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> Evidence.file(log).maxBytes(0)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> Evidence.http(metrics).timeout(Duration.ZERO)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> Plan.named("p").step(ConfigFile.replace(conf, "x")).evidence((Evidence) null).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("null item");
    }
}
