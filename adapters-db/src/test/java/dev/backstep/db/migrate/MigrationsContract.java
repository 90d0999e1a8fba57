package dev.backstep.db.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway and Liquibase steps on one real database; one subclass per database. */
abstract class MigrationsContract {
    static final String SHOP = "classpath:db/flyway/shop";

    /** A new, empty database. */
    abstract DataSource freshDatabase() throws Exception;

    @TempDir
    Path state;

    Runner runner(Journal journal, StepRegistry registry) {
        return Backstep.runner().journal(journal).registry(registry).stateDir(state).build();
    }

    static Step failingCheck() {
        return Step.verification("smoke test", ctx -> {
            throw new IllegalStateException("smoke test failed");
        });
    }

    @Test
    void flywayMigrationIsUndoneToThePreviousVersionWithTheDataIntactWhenALaterStepFails() throws Exception {
        DataSource ds = freshDatabase();
        Flyway.configure().dataSource(ds).locations(SHOP).target("1").load().migrate();
        execute(ds, "INSERT INTO customers (id, name) VALUES (2, 'Bob')");
        Journal journal = Journal.inMemory();
        Plan plan = Plan.named("deploy shop 1.3.0").target("shop-db")
                .step(Migrations.flyway(ds, SHOP))
                .verify(failingCheck())
                .build();

        RunResult result = runner(journal, StepRegistry.empty()).run(plan);

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(currentVersion(ds)).isEqualTo("1");
        assertThat(rows(ds, "SELECT id, name FROM customers ORDER BY id"))
                .containsExactly("1|Ann; with a semicolon", "2|Bob");
        assertThat(works(ds, "SELECT email FROM customers")).isFalse();
        assertThat(works(ds, "SELECT id FROM orders")).isFalse();
        assertThat(recorded(journal, result, "previousVersion")).containsExactly("1");
        assertThat(recorded(journal, result, "versions")).containsExactly("2,3");

        // and forward again: the history is consistent for Flyway
        Flyway.configure().dataSource(ds).locations(SHOP).load().migrate();
        assertThat(currentVersion(ds)).isEqualTo("3");
        assertThat(rows(ds, "SELECT note FROM orders")).containsExactly("it's an order");
    }

    @Test
    void flywayRunIsRolledBackLaterByAnotherRunnerResolvingTheCompensationByType() throws Exception {
        DataSource ds = freshDatabase();
        Journal journal = Journal.directory(state.resolve("journal"));
        RunResult deployed = runner(journal, StepRegistry.empty())
                .run(Plan.named("first deploy").target("shop-db").step(Migrations.flyway(ds, SHOP)).build());
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(currentVersion(ds)).isEqualTo("3");
        assertThat(recorded(journal, deployed, "previousVersion")).containsExactly("none");

        Migrations.register(ds);
        RunResult rolledBack = runner(Journal.directory(state.resolve("journal")),
                StepRegistry.custom().registerAll(Migrations.compensations()).build()).rollback(deployed.runId());

        assertThat(rolledBack.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(works(ds, "SELECT id FROM customers")).isFalse();
        assertThat(currentVersion(ds)).isNull();
    }

    @Test
    void missingDownScriptIsRefusedBeforeAnythingRuns() throws Exception {
        DataSource ds = freshDatabase();
        AtomicBoolean earlierStepRan = new AtomicBoolean();
        Plan plan = Plan.named("deploy").target("shop-db")
                .step(Step.named("earlier").action(ctx -> earlierStepRan.set(true)).compensation(ctx -> { }).build())
                .step(Migrations.flyway(ds, "classpath:db/flyway/nodown"))
                .build();

        assertThatThrownBy(() -> runner(Journal.inMemory(), StepRegistry.empty()).run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("no down script for flyway version(s) [2]")
                .hasMessageContaining("U<version>__<description>.sql");
        assertThat(earlierStepRan).isFalse();
        assertThat(works(ds, "SELECT id FROM customers")).isFalse();
    }

    @Test
    void liquibaseUpdateIsRolledBackToTheTagSetBeforeIt() throws Exception {
        DataSource ds = freshDatabase();
        Journal journal = Journal.inMemory();
        Runner runner = runner(journal, StepRegistry.custom().registerAll(Migrations.compensations()).build());
        RunResult first = runner.run(Plan.named("v1").target("shop-db")
                .step(Migrations.liquibase("db/liquibase/v1.xml", ds)).build());
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        execute(ds, "INSERT INTO products (id, name) VALUES (2, 'teapot')");

        RunResult second = runner.run(Plan.named("v2").target("shop-db")
                .step(Migrations.liquibase("db/liquibase/v2.xml", ds))
                .verify(failingCheck())
                .build());

        assertThat(second.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(works(ds, "SELECT price FROM products")).isFalse();
        assertThat(works(ds, "SELECT id FROM reviews")).isFalse();
        assertThat(rows(ds, "SELECT id, name FROM products ORDER BY id")).containsExactly("1|kettle", "2|teapot");
        assertThat(recorded(journal, second, "tag")).singleElement().asString().startsWith("backstep-" + second.runId());

        // the first run, from an empty database, rolls back to nothing
        execute(ds, "DELETE FROM products WHERE id = 2");
        RunResult undone = runner.rollback(first.runId());
        assertThat(undone.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(works(ds, "SELECT id FROM products")).isFalse();
    }

    @Test
    void missingChangelogIsRefusedBeforeAnythingRuns() throws Exception {
        DataSource ds = freshDatabase();
        Plan plan = Plan.named("deploy").target("shop-db")
                .step(Migrations.liquibase("db/liquibase/nope.xml", ds)).build();

        assertThatThrownBy(() -> runner(Journal.inMemory(), StepRegistry.empty()).run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("liquibase changelog 'db/liquibase/nope.xml' is not on the class path");
    }

    @Test
    void badArgumentsAreRejected() throws Exception {
        DataSource ds = freshDatabase();
        assertThatThrownBy(() -> Migrations.flyway(ds)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("at least one location");
        assertThatThrownBy(() -> Migrations.flyway(ds, " ")).isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid flyway location ' '");
        assertThatThrownBy(() -> Migrations.liquibase(" ", ds)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("needs a changelog");
        assertThatThrownBy(() -> Migrations.flyway(ds, SHOP).table("x;y")).isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid flyway history table name 'x;y'");
    }

    // ---------------------------------------------------------------- helpers

    static List<String> recorded(Journal journal, RunResult run, String key) {
        List<String> values = new ArrayList<>();
        for (JournalRecord r : journal.read(run.runId())) {
            if (r.type() == JournalRecord.Type.STEP_RECORDED && key.equals(r.data().get("key"))) {
                values.add(r.data().get("value"));
            }
        }
        return values;
    }

    static String currentVersion(DataSource ds) {
        MigrationInfo current = Flyway.configure().dataSource(ds).locations(SHOP).load().info().current();
        return current == null ? null : current.getVersion().getVersion();
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static boolean works(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery(sql).close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static List<String> rows(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return rows(c, sql);
        }
    }

    /** Every row {@code sql} selects on {@code c}, its columns joined by {@code |}. */
    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }
}
