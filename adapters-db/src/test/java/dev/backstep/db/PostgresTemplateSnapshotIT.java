package dev.backstep.db;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.StepStatus;
import dev.backstep.StepValidationException;
import dev.backstep.db.journal.PostgresServer;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Template-clone snapshots ({@code CREATE DATABASE ... TEMPLATE}, restored by a rename swap) and
 * parallel {@code pg_restore --jobs} on a real PostgreSQL 15 (embedded). The steps connect as
 * {@code deployer} (CREATEDB, member of {@code shop_owner}); database {@code shop} belongs to
 * {@code shop_owner}.
 */
class PostgresTemplateSnapshotIT {
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();

    @TempDir
    Path tmp;

    Connection admin(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/" + db, "postgres", "");
    }

    void exec(String db, String... sql) throws SQLException {
        try (Connection c = admin(db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    String one(String db, String sql) throws SQLException {
        try (Connection c = admin(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every database but the server's own: name -> owner. */
    Map<String, String> databases() throws SQLException {
        Map<String, String> all = new TreeMap<>();
        try (Connection c = admin("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname, pg_get_userbyid(datdba) FROM pg_database"
                     + " WHERE datname NOT IN ('postgres', 'template0', 'template1')")) {
            while (rs.next()) {
                all.put(rs.getString(1), rs.getString(2));
            }
        }
        return all;
    }

    List<String> snapshots() throws SQLException {
        List<String> out = new ArrayList<>();
        for (String d : databases().keySet()) {
            if (d.startsWith("shop_bs_")) {
                out.add(d);
            }
        }
        return out;
    }

    @BeforeEach
    void seed() throws SQLException {
        for (String d : databases().keySet()) {
            exec("postgres", "DROP DATABASE \"" + d + "\" WITH (FORCE)");
        }
        exec("postgres", "DROP ROLE IF EXISTS deployer", "DROP ROLE IF EXISTS shop_owner", "DROP ROLE IF EXISTS weak",
                "CREATE ROLE shop_owner NOLOGIN",
                "CREATE ROLE deployer LOGIN PASSWORD 'dep-Pa55' CREATEDB IN ROLE shop_owner, pg_signal_backend",
                "CREATE ROLE weak LOGIN PASSWORD 'weak-Pa55' IN ROLE shop_owner",
                "CREATE DATABASE shop OWNER shop_owner");
        exec("shop", "SET ROLE shop_owner",
                "CREATE SCHEMA billing",
                "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT REFERENCES customers (id), total INT)",
                "CREATE TABLE billing.invoices (id INT PRIMARY KEY, order_id INT REFERENCES orders (id))",
                "INSERT INTO customers VALUES (1, 'Olena'), (2, 'João'), (3, 'Пётр')",
                "INSERT INTO orders VALUES (10, 1, 100), (11, 1, 250), (12, 2, 75)",
                "INSERT INTO billing.invoices VALUES (100, 10), (101, 12)");
    }

    Database shop(String user, String password) {
        return Db.postgres(DbConnection.of("localhost", pg.getPort(), "shop", user, Secret.of(password)));
    }

    Database shop() {
        return shop("deployer", "dep-Pa55");
    }

    Runner runner(Clock clock) {
        return Backstep.runner().journal(Journal.directory(tmp.resolve("journal"))).stateDir(tmp.resolve("state"))
                .clock(clock).build();
    }

    Runner runner() {
        return runner(Clock.systemUTC());
    }

    List<Fingerprint> fp() {
        return shop().fingerprint();
    }

    Plan migrate(SnapshotStep snapshot) {
        return Plan.named("migrate shop").target("shop")
                .step(snapshot.withName("snapshot"))
                .step(shop().sql("ALTER TABLE orders ADD note VARCHAR(20)")
                        .compensatedBy("ALTER TABLE orders DROP COLUMN note").withName("add note"))
                .step(shop().sql("INSERT INTO orders VALUES (13, 3, 5, 'rush')").withName("add order 13"))
                .step(shop().sql("CREATE TABLE billing.extra (id INT)").withName("add table"))
                .build();
    }

    Plan migrateAndFail(SnapshotStep snapshot) {
        return Plan.named("migrate shop").target("shop")
                .step(snapshot.withName("snapshot"))
                .step(shop().sql("ALTER TABLE orders ADD note VARCHAR(20)").withName("add note"))
                .step(shop().sql("DELETE FROM billing.invoices").withName("drop invoices"))
                .verify(Step.verification("smoke", ctx -> {
                    throw new IllegalStateException("smoke test failed");
                }))
                .build();
    }

    // ------------------------------------------------------------------ round trip

    @Test
    void aFailedDeployIsRolledBackBySwappingInTheTemplateSnapshotWithRowsSchemaAndOwner() throws Exception {
        List<Fingerprint> before = fp();

        RunResult r = runner().run(migrateAndFail(shop().templateSnapshot().restoreOnRollback()));

        assertThat(r).rolledBack();
        assertThat(Fingerprint.differences(before, fp())).isEmpty();
        assertThat(one("shop", "SELECT count(*) FROM billing.invoices")).isEqualTo("2");
        assertThat(one("shop", "SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'"))
                .isEqualTo("0");
        assertThat(databases()).as("snapshot swapped in, old database dropped, owner kept")
                .isEqualTo(Map.of("shop", "shop_owner"));
        assertThat(one("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                + " WHERE datname = 'shop'")).as("the live database carries no snapshot mark").isNull();
    }

    @Test
    void theSwappedInDatabaseKeepsItsPrivilegesAndConnectionLimit() throws Exception {
        exec("postgres", "REVOKE ALL ON DATABASE shop FROM PUBLIC", "GRANT CONNECT ON DATABASE shop TO weak",
                "GRANT CONNECT ON DATABASE shop TO deployer", "ALTER DATABASE shop CONNECTION LIMIT 40");
        String acl = "SELECT datacl::text || ' ' || datconnlimit FROM pg_database WHERE datname = 'shop'";
        String before = one("postgres", acl);

        assertThat(runner().run(migrateAndFail(shop().templateSnapshot().restoreOnRollback()))).rolledBack();

        assertThat(one("postgres", acl)).isEqualTo(before).contains("weak=c/").endsWith(" 40");
    }

    @Test
    void aDatabaseWithSettingsOfItsOwnIsRefusedBeforeAnythingChanges() throws Exception {
        exec("postgres", "ALTER DATABASE shop SET work_mem = '8MB'");

        assertThatThrownBy(() -> runner().run(migrate(shop().templateSnapshot().restoreOnRollback())))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("database shop has settings of its own (ALTER DATABASE ... SET");
        assertThat(snapshots()).isEmpty();
    }

    @Test
    void aFinishedRunIsRolledBackLaterFromTheJournalByTheSwap() throws Exception {
        List<Fingerprint> before = fp();
        RunResult r = runner().run(migrate(shop().templateSnapshot().restoreOnRollback()));
        assertThat(r).succeeded();
        assertThat(snapshots()).hasSize(1);
        assertThat(databases()).containsEntry(snapshots().get(0), "shop_owner");
        assertThat(r.report().toText()).contains("template snapshot of").contains(snapshots().get(0));

        assertThat(runner().rollback(r.runId())).rolledBack();

        assertThat(Fingerprint.differences(before, fp())).isEmpty();
        assertThat(databases()).isEqualTo(Map.of("shop", "shop_owner"));
    }

    @Test
    void withoutRestoreOnRollbackTheCloneIsKeptAndTheDataLeftAlone() throws Exception {
        RunResult r = runner().run(migrateAndFail(shop().templateSnapshot()));

        assertThat(r).rolledBack();
        assertThat(one("shop", "SELECT count(*) FROM billing.invoices")).as("not restored").isEqualTo("0");
        assertThat(snapshots()).hasSize(1);
        assertThat(one(snapshots().get(0), "SELECT count(*) FROM billing.invoices")).as("the copy").isEqualTo("2");
    }

    // ------------------------------------------------------------------ refusals before anything changes

    @Test
    void anotherSessionOnTheDatabaseIsRefusedBeforeAnythingChangesUnlessTerminationIsAllowed() throws Exception {
        List<Fingerprint> before = fp();
        try (Connection app = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/shop",
                "weak", "weak-Pa55")) {
            assertThatThrownBy(() -> runner().run(migrate(shop().templateSnapshot().restoreOnRollback())))
                    .isInstanceOf(StepValidationException.class)
                    .hasMessageContaining("other session(s) are connected to database shop")
                    .hasMessageContaining("terminateConnections()");
            assertThat(snapshots()).isEmpty();
            assertThat(Fingerprint.differences(before, fp())).isEmpty();
            assertThat(app.isValid(5)).isTrue();

            RunResult r = runner().run(migrate(shop().templateSnapshot().restoreOnRollback().terminateConnections()));

            assertThat(r).succeeded();
            assertThat(app.isValid(5)).as("its session was terminated").isFalse();
        }
        assertThat(snapshots()).hasSize(1);
    }

    @Test
    void terminationOfASessionTheRoleMayNotEndIsRefusedBeforeAnythingChanges() throws Exception {
        try (Connection superuser = admin("shop")) {
            assertThatThrownBy(() -> runner().run(migrate(shop().templateSnapshot().terminateConnections())))
                    .isInstanceOf(StepValidationException.class)
                    .hasMessageContaining("terminateConnections() cannot end the sessions of [postgres]");
            assertThat(superuser.isValid(5)).isTrue();
        }
        assertThat(snapshots()).isEmpty();
    }

    @Test
    void aLaterRollbackIsRefusedWhileAnotherSessionIsOpenAndNothingChanges() throws Exception {
        RunResult r = runner().run(migrate(shop().templateSnapshot().restoreOnRollback()));
        assertThat(r).succeeded();
        List<Fingerprint> deployed = fp();
        Map<String, String> dbs = databases();

        try (Connection app = admin("shop")) {
            assertThatThrownBy(() -> runner().rollback(r.runId()))
                    .isInstanceOf(RollbackRefusedException.class)
                    .hasMessageContaining("nothing was changed")
                    .hasMessageContaining("other session(s) are connected to database shop");
            assertThat(app.isValid(5)).isTrue();
        }
        assertThat(Fingerprint.differences(deployed, fp())).isEmpty();
        assertThat(databases()).isEqualTo(dbs);
        assertThat(runner().rollback(r.runId())).rolledBack();
    }

    @Test
    void aSnapshotDroppedBehindOurBackIsRefusedBeforeAnythingChanges() throws Exception {
        RunResult r = runner().run(migrate(shop().templateSnapshot().restoreOnRollback()));
        assertThat(r).succeeded();
        exec("postgres", "DROP DATABASE \"" + snapshots().get(0) + "\"");
        List<Fingerprint> deployed = fp();

        assertThatThrownBy(() -> runner().rollback(r.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("no longer exists (dropped outside Backstep)")
                .hasMessageContaining("nothing was changed");

        assertThat(Fingerprint.differences(deployed, fp())).as("the SQL steps were not undone either").isEmpty();
        assertThat(runner().summary(r.runId()).status()).contains(RunStatus.SUCCEEDED);
        assertThat(runner().rollback(r.runId(), RollbackOption.SKIP_DATA_RESTORE)).rolledBack();
    }

    @Test
    void aRoleWithoutCreatedbIsRefusedBeforeTheSnapshotAndBeforeTheSwap() throws Exception {
        Database weak = shop("weak", "weak-Pa55");
        assertThatThrownBy(() -> runner().run(Plan.named("snap").target("shop")
                .step(weak.templateSnapshot().restoreOnRollback()).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("role weak lacks CREATEDB");
        assertThat(snapshots()).isEmpty();

        RunResult r = runner().run(migrate(shop().templateSnapshot().restoreOnRollback()));
        assertThat(r).succeeded();
        List<Fingerprint> deployed = fp();
        exec("postgres", "ALTER ROLE deployer NOCREATEDB");

        assertThatThrownBy(() -> runner().rollback(r.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("role deployer lacks CREATEDB")
                .hasMessageContaining("nothing was changed");
        assertThat(Fingerprint.differences(deployed, fp())).isEmpty();
        assertThat(snapshots()).hasSize(1);

        exec("postgres", "ALTER ROLE deployer CREATEDB");
        assertThat(runner().rollback(r.runId())).rolledBack();
    }

    @Test
    void anOwnerChangedSinceTheSnapshotIsRefusedBeforeTheSwap() throws Exception {
        RunResult r = runner().run(migrate(shop().templateSnapshot().restoreOnRollback()));
        assertThat(r).succeeded();
        exec("postgres", "ALTER DATABASE shop OWNER TO deployer");

        assertThatThrownBy(() -> runner().rollback(r.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("database shop is now owned by deployer")
                .hasMessageContaining("by shop_owner");
        assertThat(databases()).containsEntry("shop", "deployer").hasSize(2);
    }

    @Test
    void notEnoughFreeSpaceIsRefusedBeforeTheCopy() throws Exception {
        assertThatThrownBy(() -> runner().run(Plan.named("snap").target("shop")
                .step(Db.postgres(DbConnection.of("localhost", pg.getPort(), "shop", "postgres", Secret.of("x")))
                        .templateSnapshot().keepFree(Long.MAX_VALUE / 2)).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("not enough free space for a copy of database shop");
        assertThat(snapshots()).isEmpty();
    }

    // ------------------------------------------------------------------ crash between the renames

    /**
     * A deploy whose only undo is the snapshot's: a process killed during the swap has nothing
     * else left to compensate, which is what the catalog states below reproduce.
     */
    Plan deployRestoredBySnapshotOnly() {
        return Plan.named("migrate shop").target("shop")
                .step(shop().templateSnapshot().restoreOnRollback().withName("snapshot"))
                .step(shop().sql("ALTER TABLE orders ADD note VARCHAR(20)").withName("add note"))
                .step(shop().sql("DELETE FROM billing.invoices").withName("drop invoices"))
                .build();
    }

    /** The names the step journaled: the snapshot and the name shop takes during the swap. */
    String[] journaledNames() throws SQLException {
        String snap = snapshots().get(0);
        return new String[] {snap, snap + "_old"};
    }

    /**
     * Deploys, leaves the catalog as the statements {@code crash} makes of the journaled names do
     * (a swap cut short), and rolls back: every fingerprint is as before and only shop is left.
     */
    void rollBackAfterTheSwapLeftTheCatalogAs(Function<String[], String[]> crash) throws Exception {
        List<Fingerprint> before = fp();
        RunResult r = runner().run(deployRestoredBySnapshotOnly());
        assertThat(r).succeeded();
        exec("postgres", crash.apply(journaledNames()));

        assertThat(runner().rollback(r.runId())).rolledBack();

        assertThat(Fingerprint.differences(before, fp())).isEmpty();
        assertThat(databases()).isEqualTo(Map.of("shop", "shop_owner"));
    }

    @Test
    void aSwapInterruptedAfterTheFirstRenameIsFinishedByTheNextRollback() throws Exception {
        // the catalog as a process killed right after the first rename leaves it: no database "shop"
        rollBackAfterTheSwapLeftTheCatalogAs(n -> new String[] {"ALTER DATABASE shop RENAME TO \"" + n[1] + "\""});
    }

    @Test
    void aSwapInterruptedAfterTheSecondRenameIsFinishedByTheNextRollback() throws Exception {
        rollBackAfterTheSwapLeftTheCatalogAs(n -> new String[] {"ALTER DATABASE shop RENAME TO \"" + n[1] + "\"",
                "ALTER DATABASE \"" + n[0] + "\" RENAME TO shop"});
    }

    @Test
    void aSwapThatCompletedBeforeItsProcessDiedIsRecognisedByTheSnapshotsOid() throws Exception {
        rollBackAfterTheSwapLeftTheCatalogAs(n -> new String[] {"ALTER DATABASE shop RENAME TO \"" + n[1] + "\"",
                "ALTER DATABASE \"" + n[0] + "\" RENAME TO shop", "DROP DATABASE \"" + n[1] + "\""});
    }

    // ------------------------------------------------------------------ bounds and retention

    @Test
    void aNextDayRollbackIsRefusedByTheBoundAndSkipKeepsTheDataWhileForceSwaps() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        List<Fingerprint> before = fp();
        RunResult r = runner(clock).run(migrate(shop().templateSnapshot().restoreOnRollback(Duration.ofHours(6))));
        assertThat(r).succeeded();
        exec("shop", "INSERT INTO customers VALUES (4, 'Nova')");
        List<Fingerprint> afterWrites = fp();
        clock.advance(Duration.ofDays(1));

        assertThatThrownBy(() -> runner(clock).rollback(r.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("step 'snapshot' would restore data captured 1d ago")
                .hasMessageContaining("older than its limit of 6h");
        assertThat(Fingerprint.differences(afterWrites, fp())).isEmpty();
        assertThat(snapshots()).hasSize(1);

        clock.advance(Duration.ofHours(-23));
        assertThat(runner(clock).rollback(r.runId())).as("within the bound").rolledBack();
        assertThat(Fingerprint.differences(before, fp())).isEmpty();
    }

    @Test
    void skipDataRestoreUndoesTheOtherStepsAndKeepsTheData() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        RunResult r = runner(clock).run(migrate(shop().templateSnapshot().restoreOnRollback(Duration.ofHours(6))));
        exec("shop", "INSERT INTO customers VALUES (4, 'Nova')");
        clock.advance(Duration.ofDays(1));

        RunResult skipped = runner(clock).rollback(r.runId(), RollbackOption.SKIP_DATA_RESTORE);

        assertThat(skipped).rolledBack().compensated("add table", "add order 13", "add note")
                .stepHasStatus("snapshot", StepStatus.NOT_COMPENSATED);
        assertThat(one("shop", "SELECT count(*) FROM customers WHERE id = 4")).isEqualTo("1");
        assertThat(one("shop", "SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'"))
                .isEqualTo("0");
        assertThat(snapshots()).as("the snapshot is kept").hasSize(1);
    }

    @Test
    void forceSwapsInADayOldSnapshot() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        List<Fingerprint> before = fp();
        RunResult r = runner(clock).run(migrate(shop().templateSnapshot().restoreOnRollback(Duration.ofHours(6))));
        exec("shop", "INSERT INTO customers VALUES (4, 'Nova')");
        clock.advance(Duration.ofDays(1));

        assertThat(runner(clock).rollback(r.runId(), RollbackOption.FORCE)).rolledBack();

        assertThat(Fingerprint.differences(before, fp())).isEmpty();
    }

    @Test
    void keepDropsOlderTemplateSnapshotsOnlyAndTheirRollbackIsRefused() throws Exception {
        exec("postgres", "CREATE DATABASE shop_bs_not_ours OWNER shop_owner");
        List<RunResult> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(runner().run(Plan.named("snap " + i).target("shop")
                    .step(shop().templateSnapshot().restoreOnRollback().keep(2).withName("snapshot")).build()));
            assertThat(runs.get(i)).succeeded();
        }

        assertThat(snapshots()).hasSize(3).contains("shop_bs_not_ours");
        assertThat(runs.get(2).report().toText()).contains("dropped older template snapshots");

        assertThatThrownBy(() -> runner().rollback(runs.get(0).runId(), RollbackOption.FORCE))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("no longer exists");
        assertThat(runner().rollback(runs.get(2).runId())).rolledBack();
        assertThat(snapshots()).containsExactlyInAnyOrder("shop_bs_not_ours", snapshotOf(runs.get(1)));
    }

    private String snapshotOf(RunResult r) throws SQLException {
        return one("postgres", "SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database')"
                + " LIKE '%by run " + r.runId().value() + "'");
    }

    @Test
    void aTemplateSnapshotOnANetworkServerIsHostIndependentEvenWhenRestoredOnRollback() {
        Database remote = Db.postgres(DbConnection.of("db.internal", 5432, "shop", "app", Secret.of("x")));

        assertThat(remote.templateSnapshot().restoreOnRollback().hostIndependent()).isTrue();
        assertThat(shop().templateSnapshot().restoreOnRollback().hostIndependent()).as("loopback").isFalse();
        assertThat(remote.templateSnapshot().mode()).isEqualTo(SnapshotMode.TEMPLATE_CLONE);
        assertThat(remote.snapshot(tmp).mode()).isEqualTo(SnapshotMode.DUMP);
    }

    // ------------------------------------------------------------------ pg_restore --jobs

    @Test
    void aDumpIsRestoredByPgRestoreWithTheGivenJobsAndEveryRowComesBack() throws Exception {
        List<List<String>> commands = new CopyOnWriteArrayList<>();
        CommandRunner local = CommandRunner.local();
        CommandRunner recording = spec -> {
            commands.add(spec.argv());
            return local.run(spec);
        };
        Runner runner = Backstep.runner().journal(Journal.directory(tmp.resolve("journal")))
                .stateDir(tmp.resolve("state")).commands(recording).build();
        List<Fingerprint> before;
        Database owner = Db.postgres(DbConnection.of("localhost", pg.getPort(), "shop", "postgres", Secret.of("x")));

        before = owner.fingerprint();
        RunResult r = runner.run(migrateAndFail(owner.snapshot(tmp.resolve("backups")).restoreOnRollback()
                .restoreJobs(3)));

        assertThat(r).rolledBack();
        assertThat(Fingerprint.differences(before, owner.fingerprint())).isEmpty();
        assertThat(commands).anySatisfy(argv -> assertThat(argv).contains("--jobs=3", "--dbname=shop",
                "--exit-on-error"));

        commands.clear();
        Path dump = java.nio.file.Files.list(tmp.resolve("backups"))
                .filter(p -> p.toString().endsWith(".pgdump")).findFirst().orElseThrow();
        exec("shop", "DELETE FROM billing.invoices", "DROP TABLE orders CASCADE");
        assertThat(runner.run(Plan.named("restore").target("shop").step(owner.restore(dump).jobs(2)).build()))
                .succeeded();
        assertThat(Fingerprint.differences(before, owner.fingerprint())).isEmpty();
        assertThat(commands).anySatisfy(argv -> assertThat(argv).contains("--jobs=2"));

        commands.clear();
        exec("shop", "DELETE FROM billing.invoices");
        assertThat(runner.run(Plan.named("restore").target("shop").step(owner.restore(dump).jobs(1)).build()))
                .succeeded();
        assertThat(Fingerprint.differences(before, owner.fingerprint())).isEmpty();
        assertThat(commands).noneSatisfy(argv -> assertThat(argv).anyMatch(a -> a.startsWith("--jobs")));
    }
}
