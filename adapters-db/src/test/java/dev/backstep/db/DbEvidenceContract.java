package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Evidence;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DbEvidence} on a real database: the dump taken when a rollback starts holds the rows the
 * failed deploy left, before the snapshot restore puts the old ones back; proven by restoring the
 * evidence into a scratch database and counting.
 */
abstract class DbEvidenceContract {
    @TempDir
    Path tmp;
    Path backups;
    Path state;

    /** The seeded database. */
    abstract Database db();

    /** The same server and user, another database name. */
    abstract Database db(String database);

    abstract Connection admin() throws SQLException;

    /** Empties the scratch database and restores {@code dump} into it with the engine's client. */
    abstract void restoreIntoScratch(Path dump) throws Exception;

    abstract Connection scratch() throws SQLException;

    /** The password the steps use, or null. */
    abstract String password();

    abstract String extension();

    @BeforeEach
    void seed() throws SQLException {
        backups = tmp.resolve("backups");
        state = tmp.resolve("state");
        exec("DROP TABLE IF EXISTS orders", "DROP TABLE IF EXISTS customers",
                "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, total INT,"
                        + " FOREIGN KEY (customer_id) REFERENCES customers (id))",
                "INSERT INTO customers VALUES (1, 'Olena'), (2, 'João'), (3, 'Пётр')",
                "INSERT INTO orders VALUES (10, 1, 100), (11, 1, 250), (12, 2, 75), (13, 3, 5), (14, NULL, 0)");
    }

    void exec(String... sql) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static long count(Connection c, String table) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Runner runner() {
        return Backstep.runner().journal(Journal.directory(state.resolve("journal"))).stateDir(state).build();
    }

    /** Snapshot (restored on rollback), then the deploy adds two orders and a customer. */
    Plan.Builder deploy() {
        return Plan.named("migrate shop").target("shop")
                .step(db().snapshot(backups).restoreOnRollback())
                .step(db().sql("INSERT INTO customers VALUES (4, 'Ada')")
                        .compensatedBy("DELETE FROM customers WHERE id = 4"))
                .step(db().sql("INSERT INTO orders VALUES (20, 4, 1), (21, 4, 2)")
                        .compensatedBy("DELETE FROM orders WHERE id IN (20, 21)"));
    }

    static Step failingHealth() {
        return Step.verification("health", ctx -> {
            throw new BackstepException("503 after the migration");
        });
    }

    /** {@code r} captured exactly one piece of evidence: the dump taken before the snapshot was restored. */
    void assertOneDumpBeforeTheRestore(RunResult r) {
        assertThat(r.evidence()).singleElement().satisfies(c -> {
            try {
                assertDumpedBeforeTheRestore(r, c);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** The dump holds 7 orders and 4 customers (as the deploy left them), the database is back at 5 and 3. */
    void assertDumpedBeforeTheRestore(RunResult r, Evidence.Captured c) throws Exception {
        assertThat(c.what()).isEqualTo("database dump " + db().id());
        assertThat(c.succeeded()).as(c.toString()).isTrue();
        assertThat(c.truncated()).isFalse();
        Path dump = c.file().orElseThrow();
        assertThat(dump.getFileName().toString()).endsWith("-db.dump" + extension());
        assertThat(c.bytes()).isEqualTo(Files.size(dump)).isPositive();
        Path evidenceRoot = state.resolve("runs").resolve(r.runId().value()).resolve("evidence");
        assertThat(dump).startsWith(evidenceRoot);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(evidenceRoot))).isEqualTo("rwx------");

        assertThat(count(admin(), "orders")).isEqualTo(5);
        assertThat(count(admin(), "customers")).isEqualTo(3);
        restoreIntoScratch(dump);
        assertThat(count(scratch(), "orders")).isEqualTo(7);
        assertThat(count(scratch(), "customers")).isEqualTo(4);

        assertThat(r.report().toText()).contains("evidence: database dump " + db().id() + " -> " + dump);
        assertThat(r.report().toJson()).contains("\"what\":\"database dump " + db().id() + "\",\"file\":\"" + dump + "\"");
        assertThat(r.report().toHtml()).contains(dump.toUri().toString());
    }

    @Test
    void aLiveRollbackDumpsTheRowsTheFailedDeployLeftBeforeTheSnapshotIsRestored() throws Exception {
        RunResult r = runner().run(deploy().verify(failingHealth()).evidence(DbEvidence.dump(db())).build());

        assertThat(r.status()).as(r.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertOneDumpBeforeTheRestore(r);
        assertNoPasswordAnywhere(r);
    }

    @Test
    void aLaterRollbackByAFreshRunnerDumpsBeforeItRestores() throws Exception {
        RunResult ok = runner().run(deploy().evidence(DbEvidence.dump(db())).build());
        assertThat(ok.succeeded()).as(ok.report().toText()).isTrue();
        assertThat(ok.evidence()).isEmpty();

        RunResult back = runner().rollback(ok.runId());

        assertThat(back.status()).as(back.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertOneDumpBeforeTheRestore(back);
        assertNoPasswordAnywhere(back);
    }

    @Test
    void recoveryOfAnInterruptedRunDumpsBeforeItRestores() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Plan plan = deploy().step(Step.named("wait").action(ctx -> {
                    started.countDown();
                    while (!ctx.isCancelled()) {
                        Thread.sleep(5);
                    }
                }).compensation(ctx -> { }).timeout(Duration.ofMinutes(10)).build())
                .evidence(DbEvidence.dump(db())).build();
        AtomicReference<RunResult> first = new AtomicReference<>();
        Thread t = new Thread(() -> first.set(runner().run(plan)));
        t.start();
        assertThat(started.await(5, TimeUnit.MINUTES)).isTrue();
        t.interrupt();
        t.join(TimeUnit.MINUTES.toMillis(5));
        assertThat(t.isAlive()).isFalse();
        assertThat(first.get().status()).isEqualTo(RunStatus.INTERRUPTED);

        Recovery rec = runner().recover(plan);

        assertThat(rec.recovered()).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
            assertOneDumpBeforeTheRestore(r);
        });
    }

    @Test
    void aDumpOfAMissingDatabaseIsReportedAndTheRollbackGoesOn() throws Exception {
        RunResult r = runner().run(deploy().verify(failingHealth())
                .evidence(DbEvidence.dump(db("no_such_db_backstep")), DbEvidence.dump(db())).build());

        assertThat(r.status()).as(r.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(count(admin(), "orders")).isEqualTo(5);
        assertThat(r.evidence()).hasSize(2);
        Evidence.Captured bad = r.evidence().get(0);
        assertThat(bad.succeeded()).isFalse();
        assertThat(bad.file()).isEmpty();
        assertThat(bad.error()).hasValueSatisfying(e -> assertThat(e).contains("no_such_db_backstep"));
        assertThat(r.report().toText()).contains("evidence: database dump " + db("no_such_db_backstep").id()
                + " -> (none) FAILED");
        assertThat(r.report().toJson()).contains("\"error\":\"");
        // the second item still ran, and no file of the failed one is left behind
        Path dump = r.evidence().get(1).file().orElseThrow();
        try (Stream<Path> s = Files.list(dump.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("01-"))).isEmpty();
        }
        restoreIntoScratch(dump);
        assertThat(count(scratch(), "orders")).isEqualTo(7);
        assertNoPasswordAnywhere(r);
    }

    @Test
    void aDumpOverItsBoundIsRefusedNotKeptCut() throws Exception {
        RunResult r = runner().run(deploy().verify(failingHealth()).evidence(DbEvidence.dump(db()).maxBytes(100))
                .build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(count(admin(), "orders")).isEqualTo(5);
        assertThat(r.evidence()).singleElement().satisfies(c -> {
            assertThat(c.truncated()).isTrue();
            assertThat(c.file()).isEmpty();
            assertThat(c.error()).hasValueSatisfying(e -> assertThat(e).contains("bound of 100 bytes"));
        });
    }

    /** Neither the journal, the state directory (evidence list and dumps), the reports nor the errors hold it. */
    void assertNoPasswordAnywhere(RunResult r) throws Exception {
        String pw = password();
        StringBuilder all = new StringBuilder(r.report().toText()).append(r.report().toJson())
                .append(r.report().toHtml()).append(r.evidence());
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(all.toString()).contains("database dump").doesNotContain(pw);
    }
}
