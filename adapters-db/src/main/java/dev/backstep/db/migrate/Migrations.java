package dev.backstep.db.migrate;

import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Schema migration steps with a real undo: Flyway {@code migrate} undone by down scripts, and
 * Liquibase {@code update} undone by {@code rollback} to a tag set just before it.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy shop 1.3.0").target("shop@prod")
 *     .step(Migrations.flyway(dataSource, "classpath:db/migration"))   // V3__add_email.sql + U3__add_email.sql
 *     .step(Migrations.liquibase("db/changelog.xml", dataSource))
 *     .verify(Step.verification("smoke test", ctx -> smokeTest()))        // fails -> both undone
 *     .build();
 * }</pre>
 *
 * <p><b>Flyway</b> (Flyway's own undo is a paid feature): next to every {@code V<version>__*.sql}
 * put a {@code U<version>__*.sql} that reverts it. The step's validation (before any step of the
 * plan runs) refuses when a pending version has no down script. The step records the schema
 * version before it, and the versions it is about to apply; the compensation runs the down
 * scripts of those versions that the history table shows applied, newest first, deleting each
 * version's history row in the same transaction, so Flyway's {@code info} shows the previous
 * version again. Down scripts are split at semicolons outside quotes, comments and PostgreSQL
 * dollar quotes; on MariaDB/MySQL DDL is not transactional, so a down script that fails halfway
 * leaves its statements up to the failure applied. A failing {@code migrate} undoes what it
 * applied before the step fails.
 *
 * <p><b>Liquibase</b>: the step tags the database ({@code backstep-<runId>-<hash of the step
 * name>}), runs {@code update} with a class-path changelog, and its compensation runs
 * {@code rollback} to the tag (nothing when the tag was never set). Every change set needs a
 * rollback (Liquibase generates it for most changes).
 *
 * <p><b>Credentials</b>: steps record the JDBC URL (passwords masked) and the user, never a
 * password. Their compensations find the connection through {@link #register}: a step registers
 * its own database when it runs, so a live rollback needs nothing; a process that rolls a run
 * back later or recovers it registers the databases first:
 * <pre>{@code
 * Migrations.register("jdbc:postgresql://db/shop", "deploy", Secret.of(System.getenv("DB_PASSWORD")));
 * Backstep.runner().registry(StepRegistry.discover()).build().recover();
 * }</pre>
 * (or {@link #register(DataSource)} with a pool). Flyway, Liquibase and the JDBC driver are
 * optional dependencies: add the ones you use.
 */
public final class Migrations {
    /** Type id of {@link #flyway} steps. */
    public static final String FLYWAY = "db.flyway";
    /** Type id of {@link #liquibase} steps. */
    public static final String LIQUIBASE = "db.liquibase";
    /** Flyway's default history table. */
    public static final String FLYWAY_TABLE = "flyway_schema_history";

    static final Compensation FLYWAY_UNDO = FlywayUndo::compensate;
    static final Compensation LIQUIBASE_ROLLBACK = LiquibaseUpdate::compensate;

    private Migrations() {
    }

    /**
     * Flyway {@code migrate} of {@code locations} ({@code classpath:db/migration},
     * {@code filesystem:/srv/shop/db}) on {@code dataSource}, undone by down scripts.
     *
     * @throws BackstepException when no location is given or one is blank
     */
    public static FlywayMigrate flyway(DataSource dataSource, String... locations) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new FlywayMigrate("flyway migrate", () -> MigrationDatabases.of(dataSource), checkLocations(locations),
                FLYWAY_TABLE);
    }

    /** As {@link #flyway(DataSource, String...)}, connecting with a URL, user and password. */
    public static FlywayMigrate flyway(String url, String user, Secret password, String... locations) {
        MigrationDatabases.Entry db = MigrationDatabases.of(url, user, password);
        return new FlywayMigrate("flyway migrate", () -> db, checkLocations(locations), FLYWAY_TABLE);
    }

    /** Liquibase {@code update} of the class-path {@code changelog} on {@code dataSource}, undone by rollback to a tag. */
    public static LiquibaseUpdate liquibase(String changelog, DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new LiquibaseUpdate("liquibase update", () -> MigrationDatabases.of(dataSource), checkChangelog(changelog));
    }

    /** As {@link #liquibase(String, DataSource)}, connecting with a URL, user and password. */
    public static LiquibaseUpdate liquibase(String changelog, String url, String user, Secret password) {
        MigrationDatabases.Entry db = MigrationDatabases.of(url, user, password);
        return new LiquibaseUpdate("liquibase update", () -> db, checkChangelog(changelog));
    }

    /** Makes {@code dataSource} reachable for compensations in this process (by its URL and user). */
    public static void register(DataSource dataSource) {
        MigrationDatabases.register(MigrationDatabases.of(dataSource));
    }

    /** Makes a database reachable for compensations in this process. */
    public static void register(String url, String user, Secret password) {
        MigrationDatabases.register(MigrationDatabases.of(url, user, password));
    }

    /** Type id → compensation, for the step registry. */
    public static Map<String, Compensation> compensations() {
        return Map.of(FLYWAY, FLYWAY_UNDO, LIQUIBASE, LIQUIBASE_ROLLBACK);
    }

    private static List<String> checkLocations(String... locations) {
        if (locations == null || locations.length == 0) {
            throw new BackstepException("flyway needs at least one location (classpath:db/migration, filesystem:/path)");
        }
        for (String l : locations) {
            if (l == null || l.isBlank() || l.contains("\n")) {
                throw new BackstepException("invalid flyway location '" + l + "'");
            }
        }
        return List.of(locations);
    }

    private static String checkChangelog(String changelog) {
        if (changelog == null || changelog.isBlank()) {
            throw new BackstepException("liquibase needs a changelog (a class-path resource such as db/changelog.xml)");
        }
        return changelog;
    }
}
