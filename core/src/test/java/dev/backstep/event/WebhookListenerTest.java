package dev.backstep.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.internal.JsonText;
import dev.backstep.testkit.FakeStep;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WebhookListener} against a real HTTP server on 127.0.0.1. */
class WebhookListenerTest {
    @TempDir
    Path state;

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger hits = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private WebhookListener hook;

    /** Answers every post with {@code status}, or hangs until the test ends when {@code status} is 0. */
    private URI serve(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hook-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/hooks/T000/s3cr3tpath", ex -> {
            hits.incrementAndGet();
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authHeaders.add(auth);
            }
            try {
                if (status == 0) {
                    release.await(2, TimeUnit.MINUTES);
                }
                ex.sendResponseHeaders(status == 0 ? 200 : status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/s3cr3tpath");
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (hook != null) {
            hook.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static Plan failingPlan(boolean compensationFails) {
        FakeStep.Builder checkout = FakeStep.named("checkout");
        if (compensationFails) {
            checkout.failCompensation();
        }
        return Plan.named("deploy shop").target("shop").step(checkout.build())
                .verify(FakeStep.named("health").failAlways().build()).build();
    }

    private RunResult run(Plan plan) {
        return Backstep.runner().stateDir(state).listener(hook).build().run(plan);
    }

    private List<Map<String, Object>> posted() {
        return bodies.stream().map(JsonText::parse).toList();
    }

    @Test
    void postsRunAndRollbackEventsWithASlackTextInOrder() throws Exception {
        hook = RunListener.webhook(serve(200));

        RunResult r = run(failingPlan(false));
        assertThat(hook.awaitIdle(Duration.ofSeconds(60))).isTrue();

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        List<Map<String, Object>> events = posted();
        assertThat(events).extracting(m -> m.get("event"))
                .containsExactly("run.started", "rollback.started", "rollback.finished", "run.finished");
        assertThat(events).allSatisfy(m -> {
            assertThat(m.get("runId")).isEqualTo(r.runId().value());
            assertThat((String) m.get("text")).startsWith("Backstep");
        });
        assertThat(events.get(0).get("text")).isEqualTo("Backstep: 'deploy shop' on shop started (2 steps, run "
                + r.runId().value() + ")");
        assertThat(events.get(0)).containsEntry("target", "shop").containsEntry("plan", "deploy shop");
        assertThat((String) events.get(1).get("reason")).contains("health");
        assertThat(events.get(3)).containsEntry("status", "ROLLED_BACK").containsEntry("needsAttention", false);
        assertThat((String) events.get(3).get("text")).contains("ROLLED_BACK").contains("fake step 'health' failed");
        assertThat(hook.delivered()).isEqualTo(4);
        assertThat(hook.failed()).isZero();
    }

    @Test
    void aFailedCompensationPostsNeedsAttention() throws Exception {
        hook = RunListener.webhook(serve(204));

        RunResult r = run(failingPlan(true));
        assertThat(hook.awaitIdle(Duration.ofSeconds(60))).isTrue();

        assertThat(r.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        List<Map<String, Object>> events = posted();
        assertThat(events).extracting(m -> m.get("event")).containsExactly("run.started", "rollback.started",
                "rollback.finished", "run.needs_attention", "run.finished");
        assertThat(events.get(3)).containsEntry("needsAttention", true).containsEntry("status", "ROLLBACK_FAILED");
        assertThat((String) events.get(3).get("text")).contains("NEEDS ATTENTION").contains(r.runId().value());
    }

    @Test
    void aHangingHookNeitherBlocksNorFailsTheRunAndIsGivenUpOnAfterItsTimeouts() throws Exception {
        // blocking on this hook would take 4 events x 2 attempts x 3 s: the run must return long before
        hook = WebhookListener.to(serve(0)).timeout(Duration.ofSeconds(3)).attempts(2)
                .retryDelay(Duration.ofMillis(10)).build();

        long t0 = System.nanoTime();
        RunResult r = run(failingPlan(false));
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(hook.failed()).as("nothing was given up on yet: the run did not wait (%d ms)", ms).isZero();
        assertThat(hook.awaitIdle(Duration.ofSeconds(90))).isTrue();
        assertThat(hook.failed()).isEqualTo(4);
        assertThat(hook.delivered()).isZero();
        assertThat(hits.get()).as("each event tried twice").isEqualTo(8);
    }

    @Test
    void aHookAnswering500IsRetriedThenGivenUpOnWhileTheRunSucceeds() throws Exception {
        hook = WebhookListener.to(serve(500)).attempts(3).retryDelay(Duration.ofMillis(20)).build();

        RunResult r = run(Plan.named("ok").step(FakeStep.named("a").build()).build());
        assertThat(hook.awaitIdle(Duration.ofSeconds(60))).isTrue();

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(hits.get()).isEqualTo(6);
        assertThat(posted()).extracting(m -> m.get("event")).containsExactly("run.started", "run.started",
                "run.started", "run.finished", "run.finished", "run.finished");
        assertThat(hook.failed()).isEqualTo(2);
        assertThat(hook.delivered()).isZero();
    }

    @Test
    void aFullQueueDropsEventsInsteadOfWaiting() throws Exception {
        hook = WebhookListener.to(serve(0)).timeout(Duration.ofSeconds(3)).attempts(1).queueCapacity(1).build();

        RunResult r = run(failingPlan(false));

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        // one event in flight (hanging), one queued, the other two dropped at once
        assertThat(hook.dropped()).isBetween(1L, 3L);
    }

    @Test
    void secretsAndHeaderValuesAreMaskedInBodiesAndTheHookTokenIsNotShown() throws Exception {
        URI uri = serve(200);
        hook = WebhookListener.to(uri).header("Authorization", Secret.of("Bearer tok-123456"))
                .secret(Secret.of("hunter2-db-password")).build();
        Plan plan = Plan.named("deploy").step(FakeStep.named("a").build())
                .verify(Step.verification("smoke", ctx -> {
                    throw new IllegalStateException("login with hunter2-db-password / Bearer tok-123456 refused");
                })).build();

        RunResult r = run(plan);
        assertThat(hook.awaitIdle(Duration.ofSeconds(60))).isTrue();

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(authHeaders).isNotEmpty().allMatch("Bearer tok-123456"::equals);
        assertThat(bodies).isNotEmpty().noneMatch(b -> b.contains("hunter2") || b.contains("tok-123456"));
        assertThat(String.join("\n", bodies)).contains("login with **** / **** refused");
        assertThat(hook.toString()).doesNotContain("s3cr3tpath");
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> WebhookListener.to(URI.create("file:///tmp/x")))
                .isInstanceOf(BackstepException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> WebhookListener.to(null)).isInstanceOf(BackstepException.class);
        assertThatThrownBy(() -> WebhookListener.to(URI.create("http:/nohost")))
                .isInstanceOf(BackstepException.class).hasMessageContaining("no host");
        WebhookListener.Builder b = WebhookListener.to(URI.create("http://127.0.0.1:9/x"));
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> b.attempts(0)).isInstanceOf(BackstepException.class).hasMessageContaining("attempts");
        assertThatThrownBy(() -> b.queueCapacity(0)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> b.retryDelay(Duration.ofMillis(-1))).isInstanceOf(BackstepException.class);
        assertThatThrownBy(() -> b.header("Bad: name", Secret.of("x"))).isInstanceOf(BackstepException.class)
                .hasMessageContaining("header name");
    }
}
