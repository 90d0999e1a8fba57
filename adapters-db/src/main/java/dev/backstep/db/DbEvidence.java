package dev.backstep.db;

import dev.backstep.Evidence;
import dev.backstep.db.internal.Dumps;
import dev.backstep.db.internal.Target;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evidence for the incident review: a dump of a PostgreSQL ({@code pg_dump --format=custom}) or
 * MariaDB/MySQL ({@code mariadb-dump --single-transaction --routines --triggers}) database, taken
 * the moment a rollback starts, before any compensation (a snapshot restore included) changes
 * it: the data exactly as the failed deploy left it.
 *
 * <pre>{@code
 * Database shop = Db.postgres(DbConnection.fromEnv("db.internal", 5432, "shop", "deploy", "SHOP_DB_PW"));
 * Plan.named("migrate shop")
 *     .step(shop.snapshot(backups).restoreOnRollback())
 *     .step(Command.of("alembic", "upgrade", "head").in(app))
 *     .verify(shop.check().rowCount("orders").atLeast(1))
 *     .evidence(DbEvidence.dump(shop).maxBytes(512L << 20))   // -> <stateDir>/runs/<run>/evidence/<time>/01-db.dump.pgdump
 *     .build();
 * // restore the evidence into a scratch database: pg_restore --dbname=scratch 01-db.dump.pgdump
 * }</pre>
 *
 * <p>Stored as {@code NN-db.dump.pgdump} (PostgreSQL custom format) or {@code NN-db.dump.sql}
 * under the run's state directory, 0600 in a 0700 directory, kept as long as the run's state.
 * Bounded: a dump growing past {@link #maxBytes()} (default {@value #DEFAULT_MAX_BYTES} bytes) is
 * stopped, deleted and reported failed with {@link Evidence.Captured#truncated()} true, never kept
 * cut (a cut dump cannot be restored); one exceeding {@link #timeout()} (default 5 minutes) too.
 * A failed dump (wrong database, unreachable server) is reported in the result and the reports,
 * and the rollback goes on. The password reaches the dump program only as the
 * {@code PGPASSWORD}/{@code MYSQL_PWD} environment variable, never argv; it is never stored:
 * {@code rollback(runId)} and {@code recover()} in another process find it as compensations do,
 * in {@link Db#credentials()} (this factory registers the connection's password there, memory
 * only) or the connection's environment variable ({@link DbConnection#fromEnv}).
 *
 * <p>Type {@value #TYPE}. Immutable.
 */
public final class DbEvidence implements Evidence.Custom {
    /** Type id of a database dump. */
    public static final String TYPE = "db.dump";
    /** Default bound of a dump: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    /** Default time a dump may take: 5 minutes (the rollback waits for it). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private static final String K_MAX = "maxBytes";
    private static final String K_TIMEOUT = "timeoutMs";

    private final Target target;
    private final long maxBytes;
    private final Duration timeout;

    private DbEvidence(Target target, long maxBytes, Duration timeout) {
        this.target = target;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /**
     * A dump of {@code db} when a rollback starts. Registers the connection's password, if it has
     * one, in {@link Db#credentials()} (memory only), so a rollback in this process finds it.
     *
     * @throws DbException for an SQLite or H2 database (capture its file with {@code Evidence.file})
     */
    public static DbEvidence dump(Database db) {
        Objects.requireNonNull(db, "db");
        Target t = db.target();
        if (!t.isServer()) {
            throw new DbException(null, "a database dump as evidence is for PostgreSQL and MariaDB/MySQL, not "
                    + t.engine().id() + " (" + t.id() + "); keep its file with Evidence.file(path)");
        }
        if (t.password() != null) {
            Db.credentials().register(t.id(), t.password());
        }
        Target recordable = new Target(t.engine(), t.host(), t.port(), t.database(), t.user(), t.passwordEnv(), t.url(),
                t.binDir(), t.clientOptions(), null);
        return new DbEvidence(recordable, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT);
    }

    /**
     * The dump {@link #values()} describe; used by the evidence type provider for
     * {@code rollback(runId)} and {@code recover()}.
     *
     * @throws DbException when a value is missing or malformed
     */
    public static DbEvidence fromValues(Map<String, String> values) {
        try {
            String opts = values.get(Target.K_OPTIONS);
            Target t = new Target(DbEngine.ofId(values.get(Target.K_ENGINE)), values.get(Target.K_HOST),
                    Integer.parseInt(values.get(Target.K_PORT)), values.get(Target.K_DATABASE),
                    values.get(Target.K_USER), values.get(Target.K_PASSWORD_ENV), values.get(Target.K_URL),
                    values.get(Target.K_BIN), opts == null || opts.isEmpty() ? List.of() : List.of(opts.split("\n")),
                    null);
            return new DbEvidence(t, Long.parseLong(values.get(K_MAX)),
                    Duration.ofMillis(Long.parseLong(values.get(K_TIMEOUT))));
        } catch (RuntimeException e) {
            throw new DbException(null, "stored database evidence is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * This dump with another bound.
     *
     * @throws DbException when {@code max} is below 1
     */
    public DbEvidence maxBytes(long max) {
        if (max < 1) {
            throw new DbException(null, "the bound of a database dump must be at least 1 byte, was " + max);
        }
        return new DbEvidence(target, max, timeout);
    }

    /**
     * This dump with another timeout.
     *
     * @throws DbException when {@code t} is not positive
     */
    public DbEvidence timeout(Duration t) {
        if (t == null || t.isNegative() || t.isZero()) {
            throw new DbException(null, "the timeout of a database dump must be positive, was " + t);
        }
        return new DbEvidence(target, maxBytes, t);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(Target.K_ENGINE, target.engine().id());
        v.put(Target.K_HOST, target.host());
        v.put(Target.K_PORT, String.valueOf(target.port()));
        v.put(Target.K_DATABASE, target.database());
        v.put(Target.K_USER, target.user());
        v.put(Target.K_URL, target.url());
        if (target.passwordEnv() != null) {
            v.put(Target.K_PASSWORD_ENV, target.passwordEnv());
        }
        if (target.binDir() != null) {
            v.put(Target.K_BIN, target.binDir());
        }
        if (!target.clientOptions().isEmpty()) {
            v.put(Target.K_OPTIONS, String.join("\n", target.clientOptions()));
        }
        v.put(K_MAX, String.valueOf(maxBytes));
        v.put(K_TIMEOUT, String.valueOf(timeout.toMillis()));
        return v;
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String extension() {
        return target.engine() == DbEngine.POSTGRES ? ".pgdump" : ".sql";
    }

    /** Dumps into {@code file} with the engine's client program, the password in its environment only. */
    @Override
    public void capture(Path file, CommandRunner commands) {
        Dumps.dump("evidence", target, spec -> commands.run(spec.timeout(timeout)), file);
    }

    @Override
    public String describe() {
        return "database dump " + target.id();
    }

    @Override
    public String toString() {
        return describe();
    }
}
