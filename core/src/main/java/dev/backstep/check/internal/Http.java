package dev.backstep.check.internal;

import dev.backstep.internal.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of the checks, on {@link java.net.http.HttpClient}: one shared client (HTTP/1.1,
 * redirects not followed), requests whose whole exchange, body included, is bounded by a
 * timeout, interruptible waiting, and failures turned into attempt outcomes.
 *
 * <pre>{@code
 * HttpResponse<byte[]> r = Http.send(Http.request(uri, Map.of()).build(), Http.firstBytes(4096), timeout);
 * }</pre>
 */
public final class Http {
    private Http() {
    }

    private static final class Holder {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * A GET request for {@code uri}: its user-info, if any, becomes a Basic authorization header
     * (unless {@code headers} has an {@code Authorization} of its own) instead of part of the
     * request line.
     */
    public static HttpRequest.Builder request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(Uris.withoutUserInfo(uri)).GET();
        boolean ownAuthorization = headers.keySet().stream().anyMatch("Authorization"::equalsIgnoreCase);
        Uris.userInfo(uri).filter(ui -> !ownAuthorization).ifPresent(ui -> b.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(ui.getBytes(StandardCharsets.UTF_8))));
        headers.forEach(b::header);
        return b;
    }

    /**
     * Sends {@code request} and waits at most {@code timeout} for the response and its body.
     *
     * @throws HttpTimeoutException when the exchange took longer
     * @throws InterruptedException when the thread was interrupted; the exchange is cancelled
     */
    public static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest timed = HttpRequest.newBuilder(request, (n, v) -> true).timeout(timeout).build();
        CompletableFuture<HttpResponse<T>> cf = Holder.CLIENT.sendAsync(timed, handler);
        try {
            return cf.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cf.cancel(true);
            throw new HttpTimeoutException("no complete response within " + Texts.duration(timeout));
        } catch (InterruptedException e) {
            cf.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** Keeps the first {@code limit} bytes of the body and drops the rest. */
    public static HttpResponse.BodyHandler<byte[]> firstBytes(int limit) {
        return info -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArrayConsumer(chunk -> {
                if (chunk.isPresent()) {
                    byte[] b = chunk.get();
                    int room = limit - buf.size();
                    if (room > 0) {
                        buf.write(b, 0, Math.min(room, b.length));
                    }
                }
            }), ignored -> buf.toByteArray());
        };
    }

    /**
     * A failed attempt for an I/O failure: {@code expected a response but …}; exception
     * messages are redacted with {@code redactor}, and the exception is kept as the cause only
     * when there is nothing to redact.
     */
    public static Attempt failure(IOException ex, Duration timeout, Redactor redactor) {
        IOException e = ex;
        Throwable cause = redactor.isEmpty() ? ex : null;
        if (e instanceof HttpConnectTimeoutException) {
            return Attempt.fail("expected a response but could not connect within " + Texts.duration(timeout),
                    "connect timed out", cause);
        }
        if (e instanceof HttpTimeoutException) {
            return Attempt.fail("expected a response but none came within " + Texts.duration(timeout),
                    "timed out", cause);
        }
        String m = e.getMessage();
        if (e instanceof ConnectException && (m == null || m.isBlank() || m.toLowerCase(java.util.Locale.ROOT).contains("refused"))) {
            return Attempt.fail("expected a response but the connection was refused", "refused", cause);
        }
        String what = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + redactor.redact(m.strip()));
        return Attempt.fail("expected a response but got " + what, e.getClass().getSimpleName(), cause);
    }
}
