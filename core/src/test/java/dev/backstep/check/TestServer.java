package dev.backstep.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 and a free port, for the checks to talk to. */
final class TestServer implements AutoCloseable {
    /** Answers one request; {@code n} counts the requests to this path, from 1. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, int n) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-http");
        t.setDaemon(true);
        return t;
    });
    /** Slow handlers wait for this; {@link #close()} opens it. */
    final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** Request headers seen, as "path name: value". */
    final List<String> seenHeaders = new CopyOnWriteArrayList<>();
    /** Request URIs seen (path and query). */
    final List<String> seenUris = new CopyOnWriteArrayList<>();

    private TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(pool);
        server.start();
    }

    static TestServer start() {
        try {
            return new TestServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestServer on(String path, Handler handler) {
        AtomicInteger counter = hits.computeIfAbsent(path, p -> new AtomicInteger());
        server.createContext(path, ex -> {
            int n = counter.incrementAndGet();
            seenUris.add(ex.getRequestURI().toString());
            ex.getRequestHeaders().forEach((k, vs) -> vs.forEach(v -> seenHeaders.add(path + " " + k + ": " + v)));
            try {
                handler.handle(ex, n);
            } catch (Exception e) {
                respond(ex, 599, "handler failed: " + e);
            } finally {
                ex.close();
            }
        });
        return this;
    }

    /** Always answers {@code status} with {@code body}. */
    TestServer always(String path, int status, String body) {
        return on(path, (ex, n) -> respond(ex, status, body));
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
