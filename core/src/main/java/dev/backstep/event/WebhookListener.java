package dev.backstep.event;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.internal.JsonText;
import dev.backstep.internal.Redactor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a JSON document to a web hook when a run starts or finishes, when a rollback starts or
 * finishes, and when a run needs attention ({@link RunStatus#ROLLBACK_FAILED}). The body has a
 * Slack-compatible {@code text} field, so a Slack (or Mattermost, Teams workflow…) incoming web
 * hook shows a readable line, and structured fields for machines:
 *
 * <pre>{@code
 * {"text":"Backstep: 'deploy shop v1.3.0' on shop ROLLED_BACK in 8123 ms (failed step: health)",
 *  "event":"rollback.finished","runId":"…","plan":"deploy shop v1.3.0","target":"shop",
 *  "at":"2026-12-03T16:59:00Z","status":"ROLLED_BACK","durationMs":8123,"failure":"…"}
 * }</pre>
 *
 * <p><b>Never blocks or fails a run.</b> An event is put on a bounded queue and posted by one
 * background daemon thread; when the queue is full the event is dropped (and counted, see
 * {@link #dropped()}). Each post has a timeout and is retried with a growing delay; a hook that
 * hangs, refuses or answers an error is logged and given up on. Events are posted in order.
 *
 * <p><b>Secrets.</b> Events are already redacted by the run; the values given to
 * {@link Builder#secret} and {@link Builder#header(String, Secret)} are masked as well. A web hook
 * URI often holds a token (Slack's do): log lines name only its scheme, host and port.
 *
 * <pre>{@code
 * Backstep.runner()
 *     .listener(RunListener.webhook(URI.create(System.getenv("SLACK_WEBHOOK"))))
 *     .build();
 * WebhookListener hook = WebhookListener.to(uri).timeout(Duration.ofSeconds(5)).attempts(3)
 *     .header("Authorization", Secret.of("Bearer " + token)).build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the thread; {@link #awaitIdle(Duration)} waits for the
 * queue to drain (for a short-lived process that must not exit before its last message).
 */
public final class WebhookListener implements RunListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookListener.class);

    private final URI uri;
    private final Duration timeout;
    private final int attempts;
    private final Duration retryDelay;
    private final Map<String, Secret> headers;
    private final Redactor redactor;
    private final HttpClient client;
    private final BlockingQueue<Map<String, Object>> queue;
    private final Thread sender;
    private final Set<String> rollingBack = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private WebhookListener(Builder b) {
        this.uri = b.uri;
        this.timeout = b.timeout;
        this.attempts = b.attempts;
        this.retryDelay = b.retryDelay;
        this.headers = Map.copyOf(b.headers);
        List<Secret> secrets = new ArrayList<>(b.secrets);
        secrets.addAll(b.headers.values());
        this.redactor = Redactor.of(secrets);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.queue = new ArrayBlockingQueue<>(b.capacity);
        this.sender = new Thread(this::sendLoop, "backstep-webhook " + safe(uri));
        sender.setDaemon(true);
        sender.start();
    }

    /** A builder for a hook at {@code uri} ({@code http} or {@code https}). */
    public static Builder to(URI uri) {
        return new Builder(uri);
    }

    /** Events posted so far (a 2xx answer). */
    public long delivered() {
        return delivered.get();
    }

    /** Events given up on after every attempt. */
    public long failed() {
        return failed.get();
    }

    /** Events dropped because the queue was full or the listener closed. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Waits until every queued event was posted or given up on; false when {@code max} passed first.
     * Never needed for correctness; useful before a short-lived process exits.
     */
    public boolean awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!queue.isEmpty() || inFlight.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Stops posting; queued events are dropped. Idempotent. */
    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        dropped.addAndGet(queue.size());
        queue.clear();
    }

    @Override
    public void onRunStart(RunEvent.RunStarted e) {
        Map<String, Object> m = base("run.started", e);
        m.put("plan", e.planName());
        m.put("target", e.target());
        m.put("steps", e.stepCount());
        m.put("text", "Backstep: '" + e.planName() + "' on " + e.target() + " started (" + e.stepCount()
                + " steps, run " + e.runId().value() + ")");
        offer(m);
    }

    @Override
    public void onRollbackStart(RunEvent.RollbackStarted e) {
        rollingBack.add(e.runId().value());
        Map<String, Object> m = base("rollback.started", e);
        m.put("reason", e.reason());
        m.put("text", "Backstep: run " + e.runId().value() + " is rolling back: " + e.reason());
        offer(m);
    }

    @Override
    public void onRunEnd(RunEvent.RunFinished e) {
        boolean rolledBack = rollingBack.remove(e.runId().value());
        String failure = e.failure().map(WebhookListener::message).orElse(null);
        String line = "'" + e.planName() + "' " + e.status() + " in " + e.duration().toMillis() + " ms"
                + (failure == null ? "" : ": " + failure);
        if (rolledBack) {
            offer(finished("rollback.finished", e, "Backstep: rollback of " + line, failure));
        }
        if (e.status() == RunStatus.ROLLBACK_FAILED) {
            offer(finished("run.needs_attention", e, ":warning: Backstep: NEEDS ATTENTION, run "
                    + e.runId().value() + " of " + line, failure));
        }
        offer(finished("run.finished", e, "Backstep: " + line, failure));
    }

    private static Map<String, Object> finished(String type, RunEvent.RunFinished e, String text, String failure) {
        Map<String, Object> m = base(type, e);
        m.put("plan", e.planName());
        m.put("status", e.status().name());
        m.put("durationMs", e.duration().toMillis());
        m.put("needsAttention", e.status() == RunStatus.ROLLBACK_FAILED);
        if (failure != null) {
            m.put("failure", failure);
        }
        m.put("text", text);
        return m;
    }

    private static Map<String, Object> base(String type, RunEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "");
        m.put("event", type);
        m.put("runId", e.runId().value());
        m.put("at", e.at().toString());
        return m;
    }

    private static String message(Throwable t) {
        Throwable shown = t.getCause() != null && t instanceof BackstepException ? t.getCause() : t;
        String msg = shown.getMessage();
        return msg == null ? shown.getClass().getSimpleName() : msg;
    }

    private void offer(Map<String, Object> event) {
        if (closed || !queue.offer(event)) {
            dropped.incrementAndGet();
            LOG.warn("web hook {}: queue full or closed, event {} dropped", safe(uri), event.get("event"));
        }
    }

    private void sendLoop() {
        while (!closed) {
            Map<String, Object> event;
            try {
                event = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (event == null) {
                continue;
            }
            inFlight.incrementAndGet();
            try {
                post(event);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void post(Map<String, Object> event) {
        Map<String, Object> masked = new LinkedHashMap<>();
        event.forEach((k, v) -> masked.put(k, v instanceof String s ? redactor.redact(s) : v));
        String body = redactor.redact(JsonText.write(masked));
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach((k, v) -> rb.header(k, v.reveal()));
        HttpRequest request = rb.build();
        String last = "";
        for (int attempt = 1; attempt <= attempts && !closed; attempt++) {
            try {
                HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < attempts) {
                try {
                    Thread.sleep(retryDelay.toMillis() * attempt);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        failed.incrementAndGet();
        LOG.warn("web hook {}: event {} of run {} not delivered after {} attempt(s): {}", safe(uri),
                event.get("event"), event.get("runId"), attempts, redactor.redact(last).replace(uri.toString(), safe(uri)));
    }

    /** Scheme, host and port only: the path and query of a hook URI are often its token. */
    private static String safe(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + "/…";
    }

    @Override
    public String toString() {
        return "WebhookListener[" + safe(uri) + "]";
    }

    /**
     * Settings of a {@link WebhookListener}: per-post timeout (default 5 s), attempts (3), first
     * retry delay (500 ms, then twice, three times…), queue capacity (1000 events), extra headers
     * and secrets to mask.
     *
     * <pre>{@code
     * WebhookListener hook = WebhookListener.to(uri).timeout(Duration.ofSeconds(2)).attempts(5).build();
     * }</pre>
     */
    public static final class Builder {
        private final URI uri;
        private Duration timeout = Duration.ofSeconds(5);
        private int attempts = 3;
        private Duration retryDelay = Duration.ofMillis(500);
        private int capacity = 1000;
        private final Map<String, Secret> headers = new LinkedHashMap<>();
        private final Set<Secret> secrets = new LinkedHashSet<>();

        private Builder(URI uri) {
            if (uri == null) {
                throw new PlanDefinitionException(null, null, "web hook URI is null");
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new PlanDefinitionException(null, null, "web hook URI must be http or https, got scheme '" + uri.getScheme()
                        + "'");
            }
            if (uri.getHost() == null) {
                throw new PlanDefinitionException(null, null, "web hook URI has no host: " + safe(uri));
            }
            this.uri = uri;
        }

        /** How long one post may take (connect, send, answer). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new PlanDefinitionException(null, null, "web hook timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How many times to try one event (1 = no retry). */
        public Builder attempts(int attempts) {
            if (attempts < 1) {
                throw new PlanDefinitionException(null, null, "web hook attempts must be at least 1, got " + attempts);
            }
            this.attempts = attempts;
            return this;
        }

        /** Delay before the first retry; the n-th retry waits n times as long. */
        public Builder retryDelay(Duration delay) {
            if (delay == null || delay.isNegative()) {
                throw new PlanDefinitionException(null, null, "web hook retry delay must be zero or positive, got " + delay);
            }
            this.retryDelay = delay;
            return this;
        }

        /** How many events may wait to be posted; more are dropped. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new PlanDefinitionException(null, null, "web hook queue capacity must be at least 1, got " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** A header sent with every post, e.g. {@code Authorization}; its value is masked in bodies and logs. */
        public Builder header(String name, Secret value) {
            PlanDefinitionException.requireNonNull(value, null, "the header value");
            if (name == null || name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new PlanDefinitionException(null, null, "web hook header name is not a valid HTTP header name: '" + name + "'");
            }
            headers.put(name, value);
            return this;
        }

        /** A value never to post (masked in every body). */
        public Builder secret(Secret secret) {
            secrets.add(PlanDefinitionException.requireNonNull(secret, null, "a secret"));
            return this;
        }

        /** Starts the background sender. */
        public WebhookListener build() {
            return new WebhookListener(this);
        }
    }
}
