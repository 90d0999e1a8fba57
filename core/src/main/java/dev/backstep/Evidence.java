package dev.backstep;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to keep for the incident review the moment a rollback starts, before any compensation
 * changes anything: a copy of a file, the output of a command, the body of an HTTP GET. Declared
 * on the plan with {@link Plan.Builder#evidence}; captured for a live rollback, for
 * {@link Runner#rollback} and for {@link Runner#recover} on the host that ran the plan (the list is
 * stored with the run's state when it starts).
 *
 * <pre>{@code
 * Plan.named("deploy shop 1.3.0")
 *     .step(...)
 *     .evidence(Evidence.file(Path.of("/var/log/shop/app.log")),
 *               Evidence.command("journalctl", "-u", "php-fpm", "--since", "-15min", "--no-pager"),
 *               Evidence.http(URI.create("http://127.0.0.1:9100/metrics")).maxBytes(256 * 1024))
 *     .build();
 * // after a rollback: result.evidence() -> files under <stateDir>/runs/<runId>/evidence/
 * }</pre>
 *
 * <p>Each capture is stored as text, owner-only (0600 in a 0700 directory) under the run's state
 * directory, cut at {@link #maxBytes()} (default 1 MiB: a file and a command's output keep their
 * end, the latest log lines; an HTTP body its beginning), with every secret of the run masked. A
 * capture that fails (missing file, command exit code, HTTP error, timeout) is reported in
 * {@link Captured#error()} and never stops or fails the rollback. Evidence is kept as long as the
 * run's state directory. Immutable.
 */
public sealed interface Evidence {

    /** Default bound of one capture. */
    long DEFAULT_MAX_BYTES = 1024 * 1024;

    /** Default timeout of a command or HTTP capture. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Upper bound of one capture, in bytes. */
    long maxBytes();

    /** A short description: {@code file /var/log/app.log}, {@code command journalctl -u app}, {@code http GET …}. */
    String describe();

    /** A copy of a file (absolute path), as text. */
    static FileEvidence file(Path path) {
        if (path == null || !path.isAbsolute()) {
            throw new PlanDefinitionException(null, null, "evidence file must be an absolute path, got " + path);
        }
        return new FileEvidence(path.normalize(), DEFAULT_MAX_BYTES);
    }

    /** The stdout and stderr of a command (argv, no shell), run with a timeout. */
    static CommandEvidence command(String... argv) {
        if (argv == null || argv.length == 0 || argv[0] == null || argv[0].isBlank()) {
            throw new PlanDefinitionException(null, null, "evidence command needs a program");
        }
        for (String a : argv) {
            if (a == null) {
                throw new PlanDefinitionException(null, null, "evidence command " + List.of(argv[0]) + " has a null argument");
            }
        }
        return new CommandEvidence(List.of(argv), DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    /** The body of a GET of an http(s) URI, with a timeout. */
    static HttpEvidence http(URI uri) {
        if (uri == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw new PlanDefinitionException(null, null, "evidence URI must be http(s) with a host, got "
                    + (uri == null ? null : uri.getScheme() + "://" + uri.getHost()));
        }
        return new HttpEvidence(uri, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    private static long checkedMax(long maxBytes) {
        if (maxBytes < 1) {
            throw new PlanDefinitionException(null, null, "evidence maxBytes must be at least 1, got " + maxBytes);
        }
        return maxBytes;
    }

    private static Duration checkedTimeout(Duration t) {
        if (t == null || t.isNegative() || t.isZero()) {
            throw new PlanDefinitionException(null, null, "evidence timeout must be positive, got " + t);
        }
        return t;
    }

    /** See {@link Evidence#file}. */
    record FileEvidence(Path path, long maxBytes) implements Evidence {
        public FileEvidence maxBytes(long max) {
            return new FileEvidence(path, checkedMax(max));
        }

        @Override
        public String describe() {
            return "file " + path;
        }
    }

    /** See {@link Evidence#command}. */
    record CommandEvidence(List<String> argv, Duration timeout, long maxBytes) implements Evidence {
        public CommandEvidence {
            argv = List.copyOf(argv);
        }

        public CommandEvidence maxBytes(long max) {
            return new CommandEvidence(argv, timeout, checkedMax(max));
        }

        public CommandEvidence timeout(Duration t) {
            return new CommandEvidence(argv, checkedTimeout(t), maxBytes);
        }

        @Override
        public String describe() {
            return "command " + String.join(" ", argv);
        }
    }

    /** See {@link Evidence#http}. */
    record HttpEvidence(URI uri, Duration timeout, long maxBytes) implements Evidence {
        public HttpEvidence maxBytes(long max) {
            return new HttpEvidence(uri, timeout, checkedMax(max));
        }

        public HttpEvidence timeout(Duration t) {
            return new HttpEvidence(uri, checkedTimeout(t), maxBytes);
        }

        /** Scheme, host, port and path only: a query or user-info may hold a token. */
        @Override
        public String describe() {
            return "http GET " + uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
        }
    }

    /**
     * One capture made when a rollback started.
     *
     * @param what {@link Evidence#describe()} of the item
     * @param file where it is stored (under {@code <stateDir>/runs/<runId>/evidence/}); empty when the
     *     capture failed before anything was written
     * @param bytes bytes stored
     * @param truncated true when cut at {@code maxBytes}
     * @param error why the capture failed, secrets masked
     */
    record Captured(String what, Optional<Path> file, long bytes, boolean truncated, Optional<String> error) {
        public boolean succeeded() {
            return error.isEmpty();
        }
    }
}
