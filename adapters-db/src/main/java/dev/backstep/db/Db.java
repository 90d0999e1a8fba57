package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.Secret;
import dev.backstep.db.internal.DbCompensations;
import dev.backstep.db.internal.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Database steps: snapshots, restores, SQL with an undo, and integrity verifications, for
 * PostgreSQL, MariaDB/MySQL, SQLite and H2.
 *
 * <pre>{@code
 * Database shop = Db.postgres(DbConnection.fromEnv("db.internal", 5432, "shop", "deploy", "SHOP_DB_PW"));
 * Plan plan = Plan.named("alembic upgrade").target("shop@prod")
 *     .step(shop.snapshot(Path.of("/var/backups/shop")).restoreOnRollback())  // undo: restore the snapshot
 *     .step(Command.of("alembic", "upgrade", "head").in(app))
 *     .verify(shop.check().rowCount("orders").atLeast(1))
 *     .verify(shop.check().foreignKeysValid())
 *     .build();
 * }</pre>
 *
 * <p>Snapshots: PostgreSQL with {@code pg_dump --format=custom} (restored, after dropping the
 * user schemas, by {@code psql} running {@code pg_restore}'s script in one transaction, or with
 * {@code restoreJobs(n)} by {@code pg_restore --jobs=n}), or as a template clone on the server ({@link Database#templateSnapshot()}),
 * MariaDB with {@code mariadb-dump --single-transaction --routines --triggers} (restored by the
 * {@code mariadb} client after dropping the tables, views and routines), SQLite with the driver's
 * online backup, H2 with {@code SCRIPT TO} / {@code RUNSCRIPT FROM}. Client programs come from
 * the PATH or {@link Database#binaries}. Passwords reach them only as {@code PGPASSWORD} /
 * {@code MYSQL_PWD} secret environment variables.
 *
 * <p>JDBC drivers are optional dependencies: add the one of your database. Step types for
 * recovery from the journal: {@value #SNAPSHOT}, {@value #RESTORE}, {@value #SQL}; passwords for
 * recovery come from {@link #credentials()} or the environment ({@link DbConnection#fromEnv}).
 */
public final class Db {
    /** Type id of {@link SnapshotStep}. */
    public static final String SNAPSHOT = "db.snapshot";
    /** Type id of {@link DbRestoreStep}. */
    public static final String RESTORE = "db.restore";
    /** Type id of {@link SqlStep}. */
    public static final String SQL = "db.sql";
    /** The age beyond which a restore refuses a snapshot unless told {@code allowStale()}. */
    public static final Duration DEFAULT_MAX_SNAPSHOT_AGE = Duration.ofHours(24);
    /**
     * How old a snapshot restored on rollback ({@link SnapshotStep#restoreOnRollback()}) may be for
     * a later {@code runner.rollback(runId)} to restore it without {@code FORCE}: 1 hour.
     */
    public static final Duration DEFAULT_RESTORE_ON_ROLLBACK_MAX_AGE = Duration.ofHours(1);
    /**
     * How many parallel {@code pg_restore --jobs} restore a PostgreSQL dump unless told otherwise:
     * 1, so a restore runs in one transaction and a failure halfway leaves the database as it was
     * (a rollback that fails can be retried from a known state). Ask for more with
     * {@code restoreJobs(n)} / {@code jobs(n)} when restore time matters more.
     */
    public static final int DEFAULT_RESTORE_JOBS = 1;

    private static final Map<String, Compensation> COMPENSATIONS = Map.of(
            SNAPSHOT, DbCompensations.SNAPSHOT,
            RESTORE, DbCompensations.RESTORE,
            SQL, DbCompensations.SQL);

    private Db() {
    }

    /** A PostgreSQL database. */
    public static Database postgres(DbConnection c) {
        return server(DbEngine.POSTGRES, c, "jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + c.database());
    }

    /** A MariaDB or MySQL database. */
    public static Database mariadb(DbConnection c) {
        return server(DbEngine.MARIADB, c, "jdbc:mariadb://" + c.host() + ":" + c.port() + "/" + c.database());
    }

    private static Database server(DbEngine engine, DbConnection c, String url) {
        PlanDefinitionException.requireNonNull(c, null, "the connection");
        return new Database(new Target(engine, c.host(), c.port(), c.database(), c.user(),
                c.passwordEnv().orElse(null), url, null, List.of(), c.password().orElse(null)));
    }

    /** An SQLite database file. */
    public static Database sqlite(Path file) {
        PlanDefinitionException.requireNonNull(file, null, "the SQLite file");
        String p = file.toAbsolutePath().normalize().toString();
        return new Database(new Target(DbEngine.SQLITE, null, 0, p, null, null, "jdbc:sqlite:" + p, null, List.of(),
                null));
    }

    /** An H2 database, user {@code sa} without a password. */
    public static Database h2(String url) {
        return h2(url, "sa", null);
    }

    /**
     * An H2 database with a user and password ({@code null} for none). The URL must not carry a
     * password ({@code ;PASSWORD=}): it is recorded in the journal.
     */
    public static Database h2(String url, String user, Secret password) {
        if (url == null || !url.startsWith("jdbc:h2:")) {
            throw new PlanDefinitionException(null, null, "an H2 URL starts with jdbc:h2:, was "
                    + (url == null ? null : dev.backstep.files.EnvDiff.maskUrlCredentials(url)));
        }
        if (url.toUpperCase(Locale.ROOT).contains("PASSWORD")) {
            throw new PlanDefinitionException(null, null, "the H2 URL must not hold a password (it is recorded in the journal);"
                    + " pass it as a Secret");
        }
        return new Database(new Target(DbEngine.H2, null, 0, url, PlanDefinitionException.requireNonNull(user, null, "the H2 user"), null, url,
                null, List.of(), password));
    }

    /** The process's password registry that compensations consult (see {@link DbCredentials}). */
    public static DbCredentials credentials() {
        return DbCredentials.INSTANCE;
    }

    /** Type id to stateless compensation, for the step registry. */
    public static Map<String, Compensation> compensations() {
        return COMPENSATIONS;
    }
}
