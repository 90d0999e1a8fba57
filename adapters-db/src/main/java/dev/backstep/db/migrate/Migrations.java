package dev.backstep.db.migrate;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Schema migration steps with a real undo: Flyway {@code migrate} undone by down scripts,
 * Liquibase {@code update} undone by {@code rollback} to a tag set just before it, Alembic
 * {@code upgrade} undone by {@code downgrade} to the recorded revision, and Laravel's
 * {@code artisan migrate} undone by rolling back exactly the batches it added.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy shop 1.3.0").target("shop@prod")
 *     .step(Migrations.flyway(dataSource, "classpath:db/migration"))   // V3__add_email.sql + U3__add_email.sql
 *     .step(Migrations.liquibase("db/changelog.xml", dataSource))
 *     .step(Migrations.alembic(Path.of("/srv/api")).env("DB_PASSWORD", Secret.of(pw)))  // downgrade <recorded>
 *     .step(Migrations.artisan(Path.of("/srv/shop")))                      // migrate:rollback of its batches
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
 *
 * <p><b>Alembic and artisan</b> run as programs (argv, never a shell), optionally through a prefix
 * such as {@code docker compose exec -T api}. They record their command line, working directory and
 * plain environment; secret environment variables ({@code env(name, Secret)}) are recorded by name
 * only, and their compensations take the value from {@link #registerSecret} or from this process's
 * environment variable of the same name.
 */
public final class Migrations {
    /** Type id of {@link #flyway} steps. */
    public static final String FLYWAY = "db.flyway";
    /** Type id of {@link #liquibase} steps. */
    public static final String LIQUIBASE = "db.liquibase";
    /** Flyway's default history table. */
    public static final String FLYWAY_TABLE = "flyway_schema_history";

    /** Type id of {@link #alembic} steps. */
    public static final String ALEMBIC = "db.alembic";
    /** Type id of {@link #artisan} steps. */
    public static final String ARTISAN = "db.artisan";

    // lambdas, not method references: Flyway and Liquibase are optional and must not be linked
    // before one of their steps runs
    static final Compensation FLYWAY_UNDO = ctx -> FlywayUndo.compensate(ctx);
    static final Compensation LIQUIBASE_ROLLBACK = ctx -> LiquibaseUpdate.compensate(ctx);

    private Migrations() {
    }

    /**
     * Flyway {@code migrate} of {@code locations} ({@code classpath:db/migration},
     * {@code filesystem:/srv/shop/db}) on {@code dataSource}, undone by down scripts.
     *
     * @throws dev.backstep.PlanDefinitionException when no location is given or one is blank
     */
    public static FlywayMigrate flyway(DataSource dataSource, String... locations) {
        PlanDefinitionException.requireNonNull(dataSource, null, "the data source");
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
        PlanDefinitionException.requireNonNull(dataSource, null, "the data source");
        return new LiquibaseUpdate("liquibase update", () -> MigrationDatabases.of(dataSource), checkChangelog(changelog));
    }

    /** As {@link #liquibase(String, DataSource)}, connecting with a URL, user and password. */
    public static LiquibaseUpdate liquibase(String changelog, String url, String user, Secret password) {
        MigrationDatabases.Entry db = MigrationDatabases.of(url, user, password);
        return new LiquibaseUpdate("liquibase update", () -> db, checkChangelog(changelog));
    }

    /**
     * Alembic {@code upgrade head} in {@code appDir} (the directory holding {@code alembic.ini}),
     * undone by {@code downgrade} to the revision {@code alembic current} showed before it. See
     * {@link AlembicUpgrade} for {@code via}, {@code config}, {@code target} and the environment.
     */
    public static AlembicUpgrade alembic(Path appDir) {
        return new AlembicUpgrade("alembic upgrade", MigrationCommand.of(appDir, List.of()), List.of(), "alembic",
                null, "head");
    }

    /**
     * Laravel {@code php artisan migrate --force} in {@code appDir}, undone by rolling back exactly
     * the migration batches it added. See {@link ArtisanMigrate}.
     */
    public static ArtisanMigrate artisan(Path appDir) {
        return new ArtisanMigrate("artisan migrate", MigrationCommand.of(appDir, List.of()), List.of(), "php", null,
                false);
    }

    /**
     * Makes the value of a secret environment variable of the alembic or artisan steps in
     * {@code appDir} known to compensations in this process (a step registers its own when it
     * runs; a process that rolls back or recovers later registers them first, or exports the
     * variable itself).
     */
    public static void registerSecret(Path appDir, String name, Secret value) {
        MigrationCommand.checkEnvName(name);
        MigrationCommand.SECRETS.put(MigrationCommand.key(appDir, name), PlanDefinitionException.requireNonNull(value, null, "the secret value"));
    }

    /** Forgets a value given to {@link #registerSecret} (or remembered by a step that ran). */
    public static void forgetSecret(Path appDir, String name) {
        MigrationCommand.SECRETS.remove(MigrationCommand.key(appDir, name));
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
        return Map.of(FLYWAY, FLYWAY_UNDO, LIQUIBASE, LIQUIBASE_ROLLBACK, ALEMBIC, AlembicUpgrade.COMPENSATION,
                ARTISAN, ArtisanMigrate.COMPENSATION);
    }

    private static List<String> checkLocations(String... locations) {
        if (locations == null || locations.length == 0) {
            throw new PlanDefinitionException(null, null, "flyway needs at least one location (classpath:db/migration, filesystem:/path)");
        }
        for (String l : locations) {
            if (l == null || l.isBlank() || l.contains("\n")) {
                throw new PlanDefinitionException(null, null, "invalid flyway location '" + l + "'");
            }
        }
        return List.of(locations);
    }

    private static String checkChangelog(String changelog) {
        if (changelog == null || changelog.isBlank()) {
            throw new PlanDefinitionException(null, null, "liquibase needs a changelog (a class-path resource such as db/changelog.xml)");
        }
        return changelog;
    }
}
