package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Fingerprint;
import dev.backstep.db.internal.Jdbc;
import dev.backstep.db.internal.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One database, as returned by {@link Db#postgres}, {@link Db#mariadb}, {@link Db#sqlite} and
 * {@link Db#h2}: the factory of its steps and checks.
 *
 * <pre>{@code
 * Database shop = Db.postgres(DbConnection.fromEnv("db", 5432, "shop", "deploy", "SHOP_DB_PW"));
 * Plan.named("migrate shop")
 *     .step(shop.snapshot(Path.of("/var/backups/shop")).restoreOnRollback())
 *     .step(shop.sql("ALTER TABLE orders ADD COLUMN note text").compensatedBy("ALTER TABLE orders DROP COLUMN IF EXISTS note"))
 *     .verify(shop.check().foreignKeysValid())
 *     .build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class Database {
    private final Target target;

    Database(Target target) {
        this.target = target;
    }

    Target target() {
        return target;
    }

    public DbEngine engine() {
        return target.engine();
    }

    /** {@code postgres://user@host:port/db}, {@code sqlite:/path}, {@code h2:<url>}: never a password. */
    public String id() {
        return target.id();
    }

    /**
     * This database with its client programs ({@code pg_dump}, {@code pg_restore}, {@code psql};
     * {@code mariadb-dump}, {@code mariadb}) taken from {@code dir} instead of the PATH.
     */
    public Database binaries(Path dir) {
        PlanDefinitionException.requireNonNull(dir, null, "the client program directory");
        if (!Files.isDirectory(dir)) {
            throw new PlanDefinitionException(null, null, "client program directory " + dir + " does not exist");
        }
        return new Database(target.withBinDir(dir.toAbsolutePath()));
    }

    /**
     * Extra options for the MariaDB client programs, such as {@code --skip-ssl} or
     * {@code --ssl-ca=/etc/ssl/db.pem}; recorded in the journal, so never a password.
     */
    public Database clientOptions(String... options) {
        PlanDefinitionException.requireNonNull(options, null, "the client options");
        for (int i = 0; i < options.length; i++) {
            String o = options[i];
            // the message names the option, never its value: a refused option may hold a secret
            if (o == null) {
                throw new PlanDefinitionException(null, null, "client option #" + (i + 1) + " is null");
            }
            if (!o.startsWith("--")) {
                throw new PlanDefinitionException(null, null, "client option #" + (i + 1) + " must start with -- (its value is not shown)");
            }
            if (o.toLowerCase(Locale.ROOT).contains("password")) {
                throw new PlanDefinitionException(null, null, "client option #" + (i + 1) + " '" + optionName(o) + "' names a password:"
                        + " client options are recorded in the journal and must name no password (its value is not"
                        + " shown; give the password to the connection as a Secret)");
            }
        }
        return new Database(target.withClientOptions(List.of(options)));
    }

    /**
     * The option's name without its value: up to '=' or a space, and never past the word
     * "password" ({@code --passwordhunter2} is shown as {@code --password}).
     */
    private static String optionName(String option) {
        int end = option.length();
        for (int i = 0; i < option.length(); i++) {
            char c = option.charAt(i);
            if (c == '=' || Character.isWhitespace(c)) {
                end = i;
                break;
            }
        }
        String name = option.substring(0, end);
        int at = name.toLowerCase(Locale.ROOT).indexOf("password");
        return at < 0 ? name : name.substring(0, at + "password".length());
    }

    /** A snapshot step writing into {@code backupsDir} (created 0700 when missing). */
    public SnapshotStep snapshot(Path backupsDir) {
        PlanDefinitionException.requireNonNull(backupsDir, null, "the snapshot directory");
        return new SnapshotStep("snapshot " + target.id(), target, backupsDir.toAbsolutePath(), false);
    }

    /**
     * PostgreSQL only: a snapshot step that copies the database on its server
     * ({@code CREATE DATABASE ... TEMPLATE}) and, restored on rollback, swaps the copy in by
     * renaming; see {@link SnapshotStep} and {@link SnapshotMode#TEMPLATE_CLONE}.
     *
     * <pre>{@code
     * shop.templateSnapshot().restoreOnRollback().terminateConnections().keep(3)
     * }</pre>
     *
     * @throws PlanDefinitionException for another engine
     */
    public SnapshotStep templateSnapshot() {
        if (target.engine() != DbEngine.POSTGRES) {
            throw new PlanDefinitionException(null, null, "template snapshots are a PostgreSQL feature (CREATE DATABASE ... TEMPLATE);"
                    + " " + target.id() + " is " + target.engine().id() + ": use snapshot(dir)");
        }
        return new SnapshotStep("snapshot " + target.id(), target, null, false);
    }

    /** A restore step from the snapshot file {@code dump} (its manifest lies next to it). */
    public DbRestoreStep restore(Path dump) {
        PlanDefinitionException.requireNonNull(dump, null, "the dump");
        return new DbRestoreStep("restore " + target.id(), target, dump, null, Db.DEFAULT_MAX_SNAPSHOT_AGE, false, null);
    }

    /** A restore step from {@code snapshot}; its checksum must still match. */
    public DbRestoreStep restore(Snapshot snapshot) {
        PlanDefinitionException.requireNonNull(snapshot, null, "the snapshot");
        return new DbRestoreStep("restore " + target.id(), target, snapshot.file(), snapshot,
                Db.DEFAULT_MAX_SNAPSHOT_AGE, false, null);
    }

    /** A step running {@code up} in a transaction; add its undo with {@link SqlStep#compensatedBy}. */
    public SqlStep sql(String up) {
        return new SqlStep("sql " + SqlStep.abbreviate(SqlStep.require(up)), target, up, null);
    }

    /** Integrity verifications on this database. */
    public DbChecks check() {
        return new DbChecks(target);
    }

    /** Describes every table now (row count, content sha256), read-only. */
    public List<Fingerprint> fingerprint() {
        return Jdbc.fingerprint(target, null);
    }


    @Override
    public String toString() {
        return target.id();
    }
}
