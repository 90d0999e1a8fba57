package dev.backstep.db;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalOptions;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.files.BackupIntegrityException;
import dev.backstep.files.StaleBackupException;
import dev.backstep.spi.Journal;
import dev.backstep.spi.StepRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every engine shares, run against a real database of each kind. */
abstract class DbContractTest {
    @TempDir
    Path tmp;
    Path backups;
    Path state;

    abstract Database db();

    abstract Connection admin() throws SQLException;

    /** Statements that insert an order whose customer does not exist, bypassing the FK. */
    abstract List<String> insertOrphan();

    /** The password the steps use, or null. */
    String password() {
        return null;
    }

    void exec(String... sql) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @BeforeEach
    void seed() throws SQLException {
        backups = tmp.resolve("backups");
        state = tmp.resolve("state");
        exec("DROP TABLE IF EXISTS extra", "DROP TABLE IF EXISTS orders", "DROP TABLE IF EXISTS customers",
                "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, total INT,"
                        + " FOREIGN KEY (customer_id) REFERENCES customers (id))",
                "INSERT INTO customers VALUES (1, 'Olena'), (2, 'João'), (3, 'Пётр')",
                "INSERT INTO orders VALUES (10, 1, 100), (11, 1, 250), (12, 2, 75), (13, 3, 5), (14, NULL, 0)");
    }

    Runner runner() {
        return runner(Clock.systemUTC());
    }

    Runner runner(Clock clock) {
        return Backstep.runner().journal(Journal.directory(state.resolve("journal"))).stateDir(state).clock(clock)
                .build();
    }

    Path snapshotNow() {
        RunResult r = runner().run(Plan.named("snapshot").target("db").step(db().snapshot(backups)).build());
        assertThat(r).succeeded();
        try (Stream<Path> s = Files.list(backups)) {
            return s.filter(p -> !p.toString().endsWith(".manifest")).sorted().reduce((a, b) -> b).orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    List<Fingerprint> fp() {
        return db().fingerprint();
    }

    @Test
    void snapshotIsOwnerOnlyWithAManifestAndRestoreBringsBackEveryRowExactly() throws Exception {
        List<Fingerprint> before = fp();
        Path dump = snapshotNow();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backups))).isEqualTo("rwx------");
        Snapshot s = Snapshot.read(dump).verify();
        assertThat(s.engine()).isEqualTo(db().engine());
        assertThat(s.size()).isEqualTo(Files.size(dump)).isPositive();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Snapshot.manifestOf(dump))))
                .isEqualTo("rw-------");

        exec("DELETE FROM orders WHERE id = 11", "UPDATE customers SET name = 'X' WHERE id = 2",
                "CREATE TABLE extra (id INT PRIMARY KEY)", "INSERT INTO extra VALUES (1)");
        assertThat(Fingerprint.differences(before, fp())).isNotEmpty();

        assertThat(runner().run(Plan.named("restore").target("db").step(db().restore(s)).build())).succeeded();

        assertThat(Fingerprint.differences(before, fp())).isEmpty();
        assertThat(Files.readAllBytes(dump)).hasSize((int) s.size());
        s.verify();
    }

    @Test
    void failingVerificationRestoresTheSnapshotAndUndoesTheSql() throws Exception {
        List<Fingerprint> before = fp();
        Plan plan = Plan.named("migrate").target("db")
                .step(db().snapshot(backups).restoreOnRollback())
                .step(addNoteColumn())
                .step(db().sql("INSERT INTO orders (id, customer_id, total) VALUES (99, 1, 1)")
                        .compensatedBy("DELETE FROM orders WHERE id = 99"))
                .verify(db().check().rowCount("orders").atLeast(1000))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r).rolledBack().failedAt(plan.stages().get(3).steps().get(0).name());
        assertThat(r.failure().orElseThrow()).hasStackTraceContaining("expected at least <1000> but was <6>");
        assertThat(Fingerprint.differences(before, fp())).isEmpty();
    }

    @Test
    void restoreRefusesATamperedSnapshotBeforeAnythingChanges() throws Exception {
        Path dump = snapshotNow();
        exec("INSERT INTO customers VALUES (4, 'Nova')");
        List<Fingerprint> before = fp();
        byte[] bytes = Files.readAllBytes(dump);
        bytes[bytes.length / 2] ^= 1;
        Files.write(dump, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        long filesBefore = countFiles(backups);

        assertThatThrownBy(() -> runner().run(Plan.named("restore").target("db").step(db().restore(dump)).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("does not match its checksum")
                .hasRootCauseInstanceOf(BackupIntegrityException.class);

        assertThat(Fingerprint.differences(before, fp())).isEmpty();
        assertThat(countFiles(backups)).isEqualTo(filesBefore);
    }

    @Test
    void restoreRefusesAStaleSnapshotUnlessAllowed() throws Exception {
        Path dump = snapshotNow();
        List<Fingerprint> atSnapshot = fp();
        exec("INSERT INTO customers VALUES (4, 'Nova')");
        List<Fingerprint> before = fp();
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(3)), ZoneOffset.UTC);

        assertThatThrownBy(() -> runner(later).run(Plan.named("restore").target("db")
                .step(db().restore(dump).maxAge(Duration.ofDays(1))).build()))
                .isInstanceOf(StaleBackupException.class)
                .hasMessageContaining("allowStale()");
        assertThat(Fingerprint.differences(before, fp())).isEmpty();

        assertThat(runner(later).run(Plan.named("restore").target("db")
                .step(db().restore(dump).maxAge(Duration.ofDays(1)).allowStale()).build())).succeeded();
        assertThat(Fingerprint.differences(atSnapshot, fp())).isEmpty();
    }

    @Test
    void aRestoreIsUndoneFromItsSafetySnapshot() throws Exception {
        Path dump = snapshotNow();
        exec("INSERT INTO customers VALUES (4, 'Nova')", "UPDATE orders SET total = 1 WHERE id = 10");
        List<Fingerprint> before = fp();

        RunResult r = runner().run(Plan.named("restore").target("db").step(db().restore(dump))
                .verify(Step.verification("smoke", ctx -> {
                    throw new IllegalStateException("smoke test failed");
                })).build());

        assertThat(r).rolledBack();
        assertThat(Fingerprint.differences(before, fp())).isEmpty();
    }

    @Test
    void integrityChecksPassOnGoodDataAndFailOnBadData() throws Exception {
        DbChecks check = db().check();
        assertThat(runner().run(Plan.named("good").target("db")
                .verify(check.rowCount("orders").atLeast(5))
                .verify(check.rowCount("CUSTOMERS").between(3, 3))
                .verify(check.foreignKeysValid())
                .verify(check.query("SELECT COUNT(*) FROM orders WHERE total >= 100").returnsSingle(2))
                .build())).succeeded();

        assertThat(runner().run(Plan.named("few").target("db").verify(check.rowCount("orders").between(6, 9))
                .build()).failure().orElseThrow()).hasStackTraceContaining("expected between <6> and <9> but was <5>");
        assertThat(runner().run(Plan.named("query").target("db")
                .verify(check.query("SELECT name FROM customers WHERE id = 1").returnsSingle("Olga"))
                .build()).failure().orElseThrow()).hasStackTraceContaining("expected <Olga> but was <Olena>");
        assertThat(runner().run(Plan.named("rows").target("db")
                .verify(check.query("SELECT id FROM customers").returnsSingle("1"))
                .build()).failure().orElseThrow()).hasStackTraceContaining("but got 3+ row(s)");
        assertThatThrownBy(() -> runner().run(Plan.named("typo").target("db")
                .verify(check.rowCount("ordres").atLeast(1)).build()))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("table ordres does not exist");

        exec(insertOrphan().toArray(String[]::new));
        RunResult bad = runner().run(Plan.named("fk").target("db").verify(check.foreignKeysValid()).build());
        assertThat(bad.failure().orElseThrow()).hasStackTraceContaining("DbCheckFailedException")
                .hasStackTraceContaining("violated");
    }

    /** Adds the column {@code note} to orders, undone by dropping it. */
    private SqlStep addNoteColumn() {
        return db().sql("ALTER TABLE orders ADD note VARCHAR(20)").compensatedBy("ALTER TABLE orders DROP COLUMN note");
    }

    /** Adds 1 to the total of order 10; its undo subtracts {@code undoneBy} (1 puts it back). */
    private SqlStep bumpOrder10(int undoneBy) {
        return db().sql("UPDATE orders SET total = total + 1 WHERE id = 10")
                .compensatedBy("UPDATE orders SET total = total - " + undoneBy + " WHERE id = 10");
    }

    /** Notes order 11 as rush (needs {@link #addNoteColumn()} first), undone by clearing the note. */
    private SqlStep noteOrder11() {
        return db().sql("UPDATE orders SET note = 'rush' WHERE id = 11")
                .compensatedBy("UPDATE orders SET note = NULL WHERE id = 11");
    }

    @Test
    void rehearsalOfSqlStepsRestoresExactly() {
        Plan plan = Plan.named("add note").target("db").step(addNoteColumn()).step(bumpOrder10(1)).build();

        Rehearsal r = runner().rehearse(plan);

        assertThat(r.restoredExactly()).as(r.toText()).isTrue();
        assertThat(r.before()).anySatisfy(f -> assertThat(f.resource()).endsWithIgnoringCase("orders"));
        assertThat(r.reapplied()).isTrue();
    }

    @Test
    void everyFailurePointOfSqlStepsIsRestoredExactlyThenAppliedOnce() {
        Plan plan = Plan.named("add note").target("db")
                .step(addNoteColumn()).step(bumpOrder10(1)).step(noteOrder11()).build();

        RehearsalMatrix m = runner().rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).restoredExactlyAtEveryPoint().cleanRunSucceeded();
        assertThat(m.points()).hasSize(3);
        assertThat(m.resources()).anySatisfy(r -> assertThat(r).endsWithIgnoringCase("orders"));
    }

    @Test
    void aSecondSqlStepWhoseCompensationIsWrongShowsExactlyThatPoint() {
        Plan plan = Plan.named("bump").target("db")
                .step(addNoteColumn()).step(bumpOrder10(2)).step(noteOrder11()).build();

        RehearsalMatrix m = runner().rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).notRestoredOnlyAt(2);
        String orders = m.resources().stream().filter(r -> r.toLowerCase().endsWith("orders")).findFirst().orElseThrow();
        assertThat(m.points().get(0).cell(orders)).isEqualTo(RehearsalMatrix.Cell.EQUAL);
        assertThat(m.points().get(1).cell(orders)).isEqualTo(RehearsalMatrix.Cell.DIFFERS);
        assertThat(m.points().get(2).cell(orders)).isEqualTo(RehearsalMatrix.Cell.NOT_RUN);
        assertThat(m.cleanRun()).isEmpty();
    }

    @Test
    void aNewRunnerRollsBackAFinishedRunFromTheJournalThroughTheRegistry() throws Exception {
        assertThat(StepRegistry.discover().types()).contains(Db.SNAPSHOT, Db.RESTORE, Db.SQL);
        List<Fingerprint> before = fp();
        RunResult r = runner().run(Plan.named("migrate").target("db")
                .step(db().snapshot(backups).restoreOnRollback())
                .step(db().sql("DELETE FROM orders WHERE id = 12"))
                .build());
        assertThat(r).succeeded();
        assertThat(Fingerprint.differences(before, fp())).isNotEmpty();

        RunResult back = runner().rollback(r.runId());

        assertThat(back).rolledBack();
        assertThat(Fingerprint.differences(before, fp())).isEmpty();
    }

    Plan migrateWithSnapshot(SnapshotStep snapshot) {
        return Plan.named("migrate").target("db")
                .step(snapshot)
                .step(db().sql("INSERT INTO orders (id, customer_id, total) VALUES (99, 1, 1)")
                        .compensatedBy("DELETE FROM orders WHERE id = 99").withName("add order 99"))
                .build();
    }

    @Test
    void aLaterRollbackRefusesToRestoreASnapshotOlderThanItsBoundAndCanSkipTheRestore() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        List<Fingerprint> before = fp();
        RunResult deployed = runner(clock).run(migrateWithSnapshot(
                db().snapshot(backups).restoreOnRollback(Duration.ofHours(6)).withName("snapshot")));
        assertThat(deployed).succeeded();
        exec("INSERT INTO customers VALUES (4, 'Nova')"); // a customer signs up after the deploy
        List<Fingerprint> afterWrites = fp();
        clock.advance(Duration.ofDays(2));

        assertThatThrownBy(() -> runner(clock).rollback(deployed.runId()))
                .isInstanceOf(dev.backstep.RollbackRefusedException.class)
                .hasMessageContaining("step 'snapshot' would restore data captured 2d ago")
                .hasMessageContaining("older than its limit of 6h")
                .hasMessageContaining("RollbackOption.SKIP_DATA_RESTORE")
                .hasMessageContaining("RollbackOption.FORCE");
        assertThat(Fingerprint.differences(afterWrites, fp())).as("nothing changed").isEmpty();
        assertThat(runner(clock).summary(deployed.runId()).status()).contains(dev.backstep.RunStatus.SUCCEEDED);

        RunResult skipped = runner(clock).rollback(deployed.runId(), dev.backstep.RollbackOption.SKIP_DATA_RESTORE);

        assertThat(skipped).rolledBack().compensated("add order 99")
                .stepHasStatus("snapshot", dev.backstep.StepStatus.NOT_COMPENSATED);
        assertThat(skipped.step("snapshot").note()).get().asString().contains("SKIP_DATA_RESTORE");
        try (Connection c = admin(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM customers WHERE id = 4")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the write after the deploy is kept").isEqualTo(1);
        }
        exec("DELETE FROM customers WHERE id = 4");
        assertThat(Fingerprint.differences(before, fp())).as("order 99 is gone").isEmpty();
    }

    @Test
    void aSnapshotWithinItsBoundIsRestoredAndForceRestoresAStaleOne() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        List<Fingerprint> before = fp();
        RunResult recent = runner(clock).run(migrateWithSnapshot(db().snapshot(backups).restoreOnRollback()));
        exec("INSERT INTO customers VALUES (4, 'Nova')");
        clock.advance(Duration.ofMinutes(30));

        assertThat(runner(clock).rollback(recent.runId())).rolledBack();
        assertThat(Fingerprint.differences(before, fp())).isEmpty();

        RunResult stale = runner(clock).run(migrateWithSnapshot(db().snapshot(backups).restoreOnRollback()));
        exec("INSERT INTO customers VALUES (4, 'Nova')");
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> runner(clock).rollback(stale.runId()))
                .isInstanceOf(dev.backstep.RollbackRefusedException.class)
                .hasMessageContaining("captured 2h ago")
                .hasMessageContaining("older than its limit of 1h");

        assertThat(runner(clock).rollback(stale.runId(), dev.backstep.RollbackOption.FORCE)).rolledBack();
        assertThat(Fingerprint.differences(before, fp())).as("restored, discarding the later write").isEmpty();
    }

    @Test
    void aSnapshotBoundMustBePositive() {
        assertThatThrownBy(() -> db().snapshot(backups).restoreOnRollback(Duration.ZERO))
                .isInstanceOf(dev.backstep.BackstepException.class)
                .hasMessageContaining("must be positive, was PT0S");
        assertThatThrownBy(() -> db().snapshot(backups).restoreOnRollback(Duration.ofHours(-1)))
                .isInstanceOf(dev.backstep.PlanDefinitionException.class).hasMessageContaining("was PT-1H");
    }

    @Test
    void thePasswordAppearsInNoJournalReportOrError() throws Exception {
        String pw = password();
        RunResult ok = runner().run(Plan.named("ok").target("db")
                .step(db().snapshot(backups).restoreOnRollback())
                .step(db().sql("UPDATE orders SET total = 7 WHERE id = 13").compensatedBy("UPDATE orders SET total = 5 WHERE id = 13"))
                .build());
        RunResult failed = runner().run(Plan.named("failing").target("db")
                .step(db().snapshot(backups).restoreOnRollback())
                .step(db().sql("UPDATE no_such_table SET x = 1"))
                .build());
        assertThat(ok).succeeded();
        assertThat(failed.failure()).isPresent();
        if (pw == null) {
            return;
        }
        StringBuilder all = new StringBuilder(ok.report().toText()).append(ok.report().toJson())
                .append(failed.report().toText()).append(failed.report().toJson());
        for (Throwable t = failed.failure().orElseThrow(); t != null; t = t.getCause()) {
            all.append(t).append(t.getMessage());
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(all.toString()).contains("UPDATE no_such_table").doesNotContain(pw);
    }

    static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    // ---------------------------------------------------------------- adopting existing dumps

    /** Runs a client program of the test (a dump the team made by hand), bounded. */
    static void runProgram(List<String> argv, Map<String, String> env) throws Exception {
        Path log = Files.createTempFile("backstep-test-program", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not end within 5 minutes");
            }
            assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + Files.readString(log)).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static Path gzip(Path file) throws IOException {
        Path gz = file.resolveSibling(file.getFileName() + ".gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(file, out);
        }
        return gz;
    }

    /**
     * Adopts {@code dump} (a file the team made, mode 0644), checks the copy and that the original
     * is untouched, changes the database and restores the adopted snapshot: every row is back.
     */
    void adoptAndRestore(Path dump, List<Fingerprint> before) throws Exception {
        Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] bytes = Files.readAllBytes(dump);
        var modified = Files.getLastModifiedTime(dump);

        Snapshot s = Snapshot.adopt(dump, db().engine());

        assertThat(s.file()).isNotEqualTo(dump).hasParent(dump.getParent().resolve("backstep-snapshots"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file().getParent())))
                .isEqualTo("rwx------");
        assertThat(Snapshot.read(s.file()).verify()).isEqualTo(s);
        assertThat(s.createdAt()).isEqualTo(modified.toInstant());
        assertThat(Files.readAllBytes(dump)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(dump)).isEqualTo(modified);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump))).isEqualTo("rw-r--r--");

        exec("DELETE FROM orders WHERE id = 11", "UPDATE customers SET name = 'X' WHERE id = 2",
                "CREATE TABLE extra (id INT PRIMARY KEY)", "INSERT INTO extra VALUES (1)");
        assertThat(Fingerprint.differences(before, fp())).isNotEmpty();

        assertThat(runner().run(Plan.named("restore adopted").target("db").step(db().restore(s)).build())).succeeded();

        assertThat(Fingerprint.differences(before, fp())).isEmpty();
        assertThat(Files.readAllBytes(dump)).isEqualTo(bytes);
    }
}
