package dev.backstep.db.migrate;

import static dev.backstep.db.migrate.CommandMigrationsFixtures.failingCheck;
import static dev.backstep.db.migrate.CommandMigrationsFixtures.journalText;
import static dev.backstep.db.migrate.CommandMigrationsFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.Recovery;
import dev.backstep.Rehearsal;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.db.journal.PostgresServer;
import dev.backstep.db.migrate.AlembicProject.Revision;
import dev.backstep.spi.Journal;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Migrations.alembic} with Debian's {@code /usr/bin/alembic} and psycopg2 against a real
 * PostgreSQL 15 (embedded) whose application role must authenticate with its password
 * (scram-sha-256): the password reaches alembic only as the secret {@code SHOP_DB_PASSWORD}.
 */
class AlembicIT {
    static final String ALEMBIC = "/usr/bin/alembic";
    static final String PASSWORD = "alembic-Pa55w0rd-do-not-leak";
    static final AtomicInteger N = new AtomicInteger();
    static final Revision CUSTOMERS = new Revision("0001_customers", "create customers", "0001", null,
            List.of("CREATE TABLE customers (id INT PRIMARY KEY, name TEXT NOT NULL)",
                    "INSERT INTO customers VALUES (1, 'Ann; with a semicolon')"),
            List.of("DROP TABLE customers"));
    static final Revision[] SHOP = {CUSTOMERS,
        new Revision("0002_email", "add email", "0002", "0001",
                List.of("ALTER TABLE customers ADD COLUMN email TEXT"),
                List.of("ALTER TABLE customers DROP COLUMN email")),
        new Revision("0003_orders", "create orders", "0003", "0002",
                List.of("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT REFERENCES customers (id), note TEXT)"),
                List.of("DROP TABLE orders"))};
    /** Two heads: 0002a and 0002b both follow 0001. */
    static final Revision[] BRANCHED = {CUSTOMERS,
        new Revision("0002_a", "branch a: one of two heads", "0002a", "0001", List.of("CREATE TABLE a (id INT)"),
                List.of("DROP TABLE a")),
        new Revision("0002_b", "branch b: one of two heads", "0002b", "0001", List.of("CREATE TABLE b (id INT)"),
                List.of("DROP TABLE b"))};
    static final Revision BROKEN = new Revision("0004_broken", "a broken migration: its second statement fails",
            "0004", "0003", List.of("CREATE TABLE invoices (id INT PRIMARY KEY)",
                    "ALTER TABLE no_such_table ADD COLUMN x INT"),
            List.of("DROP TABLE invoices"));
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.withPasswordRole("shop_app", PASSWORD);

    @TempDir
    Path tmp;
    Path app;
    Path state;
    String database;

    @BeforeEach
    void freshDatabaseAndApp() throws Exception {
        database = "alembic_" + N.incrementAndGet();
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database + " OWNER shop_app");
        }
        app = AlembicProject.write(tmp.resolve("app"), "SHOP", SHOP);
        state = tmp.resolve("state");
    }

    static Connection admin(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + db, "postgres", "");
    }

    String url() {
        return "postgresql://shop_app@127.0.0.1:" + pg.getPort() + "/" + database;
    }

    AlembicUpgrade alembic(Path dir) {
        return Migrations.alembic(dir).program(ALEMBIC).config("alembic.ini").env("SHOP_DB_URL", url())
                .env("SHOP_DB_PASSWORD", Secret.of(PASSWORD));
    }

    List<String> current() throws SQLException {
        return rows("SELECT version_num FROM alembic_version");
    }

    List<String> rows(String sql) throws SQLException {
        try (Connection c = admin(database)) {
            return MigrationsContract.rows(c, sql);
        }
    }

    boolean works(String sql) {
        try {
            rows(sql);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void upgradeIsDowngradedToTheRevisionRecordedBeforeItWhenALaterStepFails() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(alembic(app).target("0001")).build())
                .status()).isEqualTo(RunStatus.SUCCEEDED);
        try (Connection c = admin(database); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customers VALUES (2, 'Bob')");
        }

        RunResult result = runner(state).run(Plan.named("v3").target("shop")
                .step(alembic(app)).verify(failingCheck()).build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(current()).containsExactly("0001");
        assertThat(rows("SELECT id, name FROM customers ORDER BY id")).containsExactly("1|Ann; with a semicolon", "2|Bob");
        assertThat(works("SELECT email FROM customers")).isFalse();
        assertThat(works("SELECT id FROM orders")).isFalse();
        assertThat(MigrationsContract.recorded(Journal.directory(state.resolve("journal")), result, "revision"))
                .containsExactly("0001");
        assertThat(MigrationsContract.recorded(Journal.directory(state.resolve("journal")), result, "secretEnv"))
                .containsExactly("SHOP_DB_PASSWORD");
        assertThat(journalText(state.resolve("journal"))).contains("SHOP_DB_URL").doesNotContain(PASSWORD);
        assertThat(result.report().toText()).doesNotContain(PASSWORD);
    }

    @Test
    void succeededUpgradeFromAnEmptyDatabaseIsRolledBackToBaseLaterByAFreshRunnerFromTheJournalAlone()
            throws Exception {
        RunResult deployed = runner(state).run(Plan.named("v3").target("shop").step(alembic(app)).build());
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(current()).containsExactly("0003");
        Migrations.forgetSecret(app, "SHOP_DB_PASSWORD"); // as in a new process: only the journal is left

        RunResult withoutSecret = runner(state).rollback(deployed.runId());

        assertThat(withoutSecret.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(withoutSecret.failure()).isPresent();
        assertThat(withoutSecret.failure().get()).hasStackTraceContaining("SHOP_DB_PASSWORD")
                .hasStackTraceContaining("registerSecret");
        assertThat(current()).containsExactly("0003");

        Migrations.registerSecret(app, "SHOP_DB_PASSWORD", Secret.of(PASSWORD));
        RunResult rolledBack = runner(state).rollback(deployed.runId());

        assertThat(rolledBack.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(current()).isEmpty();
        assertThat(works("SELECT id FROM customers")).isFalse();
        assertThat(MigrationsContract.recorded(Journal.directory(state.resolve("journal")), deployed, "revision"))
                .containsExactly("base");
    }

    @Test
    void processKilledAfterTheUpgradeIsRecoveredByAnotherProcessThatKnowsOnlyTheRegistry() throws Exception {
        Path reached = tmp.resolve("reached");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                AlembicCrashMain.class.getName(), app.toString(), state.toString(), url(), reached.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("crash.log").toFile());
        pb.environment().put("CRASH_DB_PASSWORD", PASSWORD);
        Process deploy = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(reached) && deploy.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(reached).as("the child passed the upgrade; log: %s", tmp.resolve("crash.log")).exists();
            deploy.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        } finally {
            deploy.destroyForcibly();
        }
        assertThat(current()).containsExactly("0003");

        Migrations.registerSecret(app, "SHOP_DB_PASSWORD", Secret.of(PASSWORD));
        Recovery recovery = Backstep.runner().journal(Journal.directory(state.resolve("journal"))).stateDir(state)
                .registry(StepRegistry.discover()).build().recover();

        assertThat(recovery.unrecoverable()).isEmpty();
        assertThat(recovery.recovered()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK));
        assertThat(current()).isEmpty();
        assertThat(works("SELECT id FROM customers")).isFalse();
        assertThat(journalText(state.resolve("journal"))).doesNotContain(PASSWORD);
    }

    @Test
    void rehearsalProvesTheDowngradeReturnsToTheRecordedRevision() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(alembic(app).target("0001")).build())
                .status()).isEqualTo(RunStatus.SUCCEEDED);

        Rehearsal r = runner(state).rehearse(Plan.named("v3").target("shop").step(alembic(app)).build());

        assertThat(r.restoredExactly()).as(r.toText()).isTrue();
        assertThat(r.before()).containsExactly(Fingerprint.of("alembic:" + app, "revision", "0001"));
        assertThat(r.reapplied()).isTrue();
        assertThat(current()).containsExactly("0003");
    }

    @Test
    void aFailingUpgradeLeavesTheDatabaseAtTheRecordedRevision() throws Exception {
        assertThat(runner(state).run(Plan.named("v1").target("shop").step(alembic(app).target("0001")).build())
                .status()).isEqualTo(RunStatus.SUCCEEDED);
        BROKEN.writeTo(app);

        RunResult result = runner(state).run(Plan.named("v4").target("shop").step(alembic(app)).build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(result.failure().get()).hasStackTraceContaining("no_such_table");
        assertThat(current()).containsExactly("0001");
        assertThat(works("SELECT id FROM invoices")).isFalse();
        assertThat(works("SELECT id FROM orders")).isFalse();
    }

    @Test
    void severalHeadsAreRefusedBeforeAnythingRuns() throws Exception {
        Path branched = AlembicProject.write(tmp.resolve("branched"), "SHOP", BRANCHED);
        AtomicBoolean earlier = new AtomicBoolean();
        Plan plan = Plan.named("deploy").target("shop")
                .step(Step.named("earlier").action(ctx -> earlier.set(true)).compensation(ctx -> { }).build())
                .step(alembic(branched))
                .build();

        assertThatThrownBy(() -> runner(state).run(plan)).isInstanceOf(StepValidationException.class)
                .hasMessageContaining("several heads [0002a, 0002b]");
        assertThat(earlier).isFalse();
        assertThat(works("SELECT 1 FROM alembic_version")).isFalse();
    }

    @Test
    void aDatabaseAtSeveralRevisionsIsRefusedBeforeAnythingRuns() throws Exception {
        Path branched = AlembicProject.write(tmp.resolve("branched"), "SHOP", BRANCHED);
        assertThat(runner(state).run(Plan.named("a").target("shop").step(alembic(branched).target("0002a")).build())
                .status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(runner(state).run(Plan.named("b").target("shop").step(alembic(branched).target("0002b")).build())
                .status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(current()).containsExactlyInAnyOrder("0002a", "0002b");

        assertThatThrownBy(() -> runner(state).run(Plan.named("c").target("shop")
                .step(alembic(branched).target("0002a")).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("the database is at several alembic revisions");
    }

    @Test
    void anUnknownTargetIsRefusedBeforeAnythingRuns() throws Exception {
        assertThatThrownBy(() -> runner(state).run(Plan.named("deploy").target("shop")
                .step(alembic(app).target("0042")).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("alembic does not know the target revision '0042'");
        assertThat(works("SELECT 1 FROM alembic_version")).isFalse();
    }

    @Test
    void aMissingAlembicProgramOrApplicationDirectoryIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> runner(state).run(Plan.named("deploy").target("shop")
                .step(alembic(app).program(tmp.resolve("no-such-alembic").toString())).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("cannot run alembic")
                .hasCauseInstanceOf(ProgramNotFoundException.class);
        assertThatThrownBy(() -> runner(state).run(Plan.named("deploy").target("shop")
                .step(alembic(tmp.resolve("no-app"))).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("application directory " + tmp.resolve("no-app") + " does not exist");
        assertThat(works("SELECT 1 FROM alembic_version")).isFalse();
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> Migrations.alembic(app).target("-1")).isInstanceOf(dev.backstep.BackstepException.class)
                .hasMessageContaining("invalid alembic target '-1'");
        assertThatThrownBy(() -> Migrations.alembic(app).env("NOT A NAME", "x"))
                .isInstanceOf(dev.backstep.BackstepException.class).hasMessageContaining("environment variable name");
        assertThatThrownBy(() -> Migrations.alembic(app).via("docker", "a\nb"))
                .isInstanceOf(dev.backstep.BackstepException.class).hasMessageContaining("line break");
    }

    @Test
    void viaPutsTheAlembicCommandBehindAnArgvPrefix() throws Exception {
        Path env = Path.of("/usr/bin/env");
        RunResult result = runner(state).run(Plan.named("v3").target("shop")
                .step(alembic(app).via(env.toString())).verify(failingCheck()).build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(MigrationsContract.recorded(Journal.directory(state.resolve("journal")), result, "command"))
                .containsExactly("/usr/bin/env\n" + ALEMBIC + "\n-c\nalembic.ini");
        assertThat(current()).isEmpty();
    }
}
