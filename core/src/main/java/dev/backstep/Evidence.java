package dev.backstep;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Adapters add kinds of their own with {@link Custom}, such as a database dump
 * ({@code DbEvidence.dump(db)} in backstep-db).
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
     * An evidence kind an adapter provides, such as a database dump ({@code DbEvidence.dump(db)}
     * in backstep-db). When a rollback starts, core creates the capture's file (empty, 0600, in
     * the capture's 0700 directory, named {@code NN-<type><extension>}) and calls
     * {@link #capture} on a thread of its own. A capture is bounded: one whose file grows past
     * {@link #maxBytes()} is stopped (interrupted: a command run through the given
     * {@link dev.backstep.spi.CommandRunner} is killed), its file deleted and the item reported
     * failed with {@link Captured#truncated()} true. It is refused rather than cut because such
     * captures are binary (a cut dump cannot be restored). One that outlives {@link #timeout()}
     * or throws is reported failed the same way; neither stops the rollback. The bytes are kept
     * as written, not masked (a dump holds the database's data, as the snapshot of a step does):
     * {@link #capture} must keep secrets out of argv and its own output.
     *
     * <p>{@code rollback(runId)} and {@code recover()} rebuild the item from {@link #values()},
     * stored with the run's state when it starts, through the
     * {@link dev.backstep.spi.EvidenceTypeProvider} registered for {@link #type()}; a process
     * without that provider reports the item as failed.
     *
     * <pre>{@code
     * Plan.named("migrate shop").step(...)
     *     .evidence(DbEvidence.dump(shop).maxBytes(512L << 20))
     *     .build();
     * }</pre>
     */
    non-sealed interface Custom extends Evidence {

        /** Type id, namespaced by adapter ({@code "db.dump"}). */
        String type();

        /**
         * Everything {@link dev.backstep.spi.EvidenceTypeProvider} needs to rebuild this item in
         * another process, {@link #maxBytes()} and {@link #timeout()} included; never a secret
         * (it is stored in the run's state directory).
         */
        Map<String, String> values();

        /** How long {@link #capture} may take. */
        Duration timeout();

        /** File name extension of the capture, with its dot ({@code ".pgdump"}). */
        default String extension() {
            return ".bin";
        }

        /**
         * Writes the capture into {@code target}, an existing empty 0600 file. Runs on a thread of
         * its own, which is interrupted when the capture exceeds its bound or timeout.
         *
         * @param commands the runner's command runner (secrets in its environment are masked)
         * @throws Exception when the capture failed; its message is reported, secrets masked
         */
        void capture(Path target, dev.backstep.spi.CommandRunner commands) throws Exception;
    }

    /**
     * One capture made when a rollback started.
     *
     * @param what {@link Evidence#describe()} of the item
     * @param file where it is stored (under {@code <stateDir>/runs/<runId>/evidence/}); empty when the
     *     capture failed before anything was written
     * @param bytes bytes stored
     * @param truncated true when cut at {@code maxBytes}; for a {@link Custom} capture, true when it
     *     was refused for exceeding {@code maxBytes} (then {@code file} is empty and {@code error} says so)
     * @param error why the capture failed, secrets masked
     */
    record Captured(String what, Optional<Path> file, long bytes, boolean truncated, Optional<String> error) {
        public boolean succeeded() {
            return error.isEmpty();
        }
    }
}
