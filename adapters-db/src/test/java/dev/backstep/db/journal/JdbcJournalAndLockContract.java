package dev.backstep.db.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.JournalCorruptedException;
import dev.backstep.LockUnavailableException;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.spi.AbstractStep;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.Lock;
import dev.backstep.spi.LockHolder;
import dev.backstep.spi.Locks;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour of {@link JdbcJournal} and {@link JdbcLock} on one real database; one subclass per database. */
abstract class JdbcJournalAndLockContract {
    private static final AtomicInteger TABLES = new AtomicInteger();

    /** The database under test; the same for every test of a class (tests use their own tables). */
    abstract DataSource dataSource();

    @TempDir
    Path state;

    private static String freshTable(String prefix) {
        return prefix + "_" + TABLES.incrementAndGet();
    }

    private static JournalRecord record(String run, long seq, JournalRecord.Type type, String step,
                                        Map<String, String> data) {
        return new JournalRecord(RunId.of(run), seq, Instant.parse("2026-11-22T01:45:02.123456789Z").plusSeconds(seq),
                type, Optional.ofNullable(step), data);
    }

    // ---------------------------------------------------------------- journal

    @Test
    void roundTripKeepsAwkwardStringsAndReadsInSequenceOrder() {
        JdbcJournal journal = JdbcJournal.create(dataSource(), freshTable("journal"));
        Map<String, String> awkward = new LinkedHashMap<>();
        awkward.put("quotes", "it's \"quoted\" `back`");
        awkward.put("sql", "'; DROP TABLE backstep_journal; --");
        awkward.put("controls", "line1\nline2\r\n\ttab \u0000 nul \u001b[31m esc \u007f");
        awkward.put("unicode", "Grüße, 日本語, עברית, emoji 🚀👩‍👩‍👧, \u2028\u2029");
        awkward.put("backslashes", "C:\\path\\to\\file \\u0041 not an escape");
        awkward.put("lone surrogate", "a\ud800b");
        awkward.put("", "empty key");
        awkward.put("empty", "");
        awkward.put("json", "{\"a\":[1,2,{\"b\":null}]}");
        String step = "step «ünïcødé» 'with' \"quotes\" and \\ 🚀";
        RunId run = RunId.of("20261122-014500.123-000000a3f9");
        journal.append(record(run.value(), 2, JournalRecord.Type.STEP_RECORDED, step, awkward));
        journal.append(record(run.value(), 0, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "p", "target", "t")));
        journal.append(record(run.value(), 1, JournalRecord.Type.STEP_STARTED, step, Map.of()));

        List<JournalRecord> read = journal.read(run);

        assertThat(read).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L);
        assertThat(read.get(2).data()).isEqualTo(awkward);
        assertThat(read.get(2).step()).contains(step);
        assertThat(read.get(0).step()).isEmpty();
        assertThat(read.get(2).at()).isEqualTo(Instant.parse("2026-11-22T01:45:04.123456789Z"));
        assertThat(read.get(2).type()).isEqualTo(JournalRecord.Type.STEP_RECORDED);
    }

    @Test
    void recordsSurviveInANewJournalInstanceAndRunsAreListedInOrder() {
        String table = freshTable("journal");
        try (JdbcJournal first = JdbcJournal.create(dataSource(), table)) {
            first.append(record("b-run", 0, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "x")));
            first.append(record("A-run", 0, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "y")));
            first.append(record("a-run", 0, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "z")));
            first.append(record("a-run", 1, JournalRecord.Type.RUN_FINISHED, null, Map.of("status", "SUCCEEDED")));
        }

        JdbcJournal second = JdbcJournal.create(dataSource(), table);

        assertThat(second.runIds()).extracting(RunId::value).containsExactly("A-run", "a-run", "b-run");
        assertThat(second.read(RunId.of("a-run"))).extracting(r -> r.data()).containsExactly(
                Map.of("plan", "z"), Map.of("status", "SUCCEEDED"));
        assertThat(second.read(RunId.of("A-run"))).singleElement().satisfies(r -> assertThat(r.data())
                .containsEntry("plan", "y"));
        assertThat(second.read(RunId.of("unknown-run"))).isEmpty();
    }

    @Test
    void duplicateSequenceIsRejectedAndTheFirstRecordKept() {
        JdbcJournal journal = JdbcJournal.create(dataSource(), freshTable("journal"));
        journal.append(record("run-1", 0, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "first")));

        assertThatThrownBy(() -> journal.append(record("run-1", 0, JournalRecord.Type.RUN_STARTED, null,
                Map.of("plan", "second"))))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("run run-1: sequence 0 is already in journal table");
        assertThat(journal.read(RunId.of("run-1"))).singleElement()
                .satisfies(r -> assertThat(r.data()).containsEntry("plan", "first"));
    }

    @Test
    void negativeSequenceIsRejected() {
        JdbcJournal journal = JdbcJournal.create(dataSource(), freshTable("journal"));

        assertThatThrownBy(() -> journal.append(record("run-1", -1, JournalRecord.Type.RUN_STARTED, null, Map.of())))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("sequence must not be negative");
        assertThat(journal.runIds()).isEmpty();
    }

    @Test
    void tamperedRowIsReportedAsCorruptionNamingRunAndSequence() throws SQLException {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        journal.append(record("run-t", 0, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "p")));
        journal.append(record("run-t", 1, JournalRecord.Type.STEP_RECORDED, "s", Map.of("key", "head", "value", "abc")));
        execute("UPDATE " + table + " SET data = '{\"key\":\"head\",\"value\":\"evil\"}' WHERE run_id = 'run-t' AND seq = 1");

        assertThatThrownBy(() -> journal.read(RunId.of("run-t")))
                .isInstanceOf(JournalCorruptedException.class)
                .isInstanceOf(JdbcJournalCorruptedException.class)
                .hasMessageContaining("journal table " + table + " is corrupted at run run-t, seq 1: checksum mismatch")
                .satisfies(e -> assertThat(((JdbcJournalCorruptedException) e).sequence()).isEqualTo(1));
    }

    /** Every awkward character the first codec escaped, as a data value of the golden rows below. */
    private static final String AWKWARD_VALUE = "q\" b\\ s/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del\u007f"
            + " ls\u2028 ps\u2029 \u00e9 \u6f22 \ud83d\ude00 lone\ud800 low\udc00 A";

    @Test
    void rowsChecksummedByTheFirstReleaseStillVerifyAndRead() throws SQLException {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        // columns and crc exactly as the first release (its hand-written codec) wrote them; never regenerate
        String step = "step \u00ab\u00fc\u00bb \"q\" \\ \ud83d\ude00 \t end";
        String data = "{\"key\":\"q\\\" b\\\\ s/ nl\\n cr\\r tab\\t bs\\b ff\\f nul\\u0000 us\\u001f del\\u007f"
                + " ls\\u2028 ps\\u2029 \u00e9 \u6f22 \ud83d\ude00 lone\\ud800 low\\udc00 A\",\"value\":\"q\\\" b\\\\ s/"
                + " nl\\n cr\\r tab\\t bs\\b ff\\f nul\\u0000 us\\u001f del\\u007f ls\\u2028 ps\\u2029 \u00e9 \u6f22"
                + " \ud83d\ude00 lone\\ud800 low\\udc00 A\"}";
        insertRow(table, "run-golden", 3, "2026-12-03T18:00:00.123456789Z", "STEP_RECORDED", step, data, "a0789712");
        insertRow(table, "run-golden", 4, "2026-12-03T18:00:00.123456789Z", "RUN_FINISHED", null,
                "{\"status\":\"SUCCEEDED\"}", "e1f6d608");

        List<JournalRecord> read = journal.read(RunId.of("run-golden"));

        assertThat(read).hasSize(2);
        assertThat(read.get(0).step()).contains("step \u00ab\u00fc\u00bb \"q\" \\ \ud83d\ude00 \t end");
        assertThat(read.get(0).data()).isEqualTo(Map.of("key", AWKWARD_VALUE, "value", AWKWARD_VALUE));
        assertThat(read.get(1).step()).isEmpty();
        assertThat(read.get(1).data()).isEqualTo(Map.of("status", "SUCCEEDED"));
    }

    @Test
    void aDataColumnInAnotherJsonLayoutVerifiesOverItsStoredTextAndOneChangedCharacterDoesNot() throws SQLException {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        // what another JSON writer might store: spaces, upper-case and needless escapes, other key order
        String data = "{ \"value\" : \"\\u0041\\uD83D\\uDE00\\/x\" , \"key\" : \"head\" }";
        String at = "2026-12-03T18:00:00Z";
        insertRow(table, "run-layout", 0, at, "STEP_RECORDED", "s", data,
                JdbcJournal.crc("run-layout", 0, at, "STEP_RECORDED", "s", data));
        String changed = data.replace("0041", "0042");
        insertRow(table, "run-layout-changed", 0, at, "STEP_RECORDED", "s", changed,
                JdbcJournal.crc("run-layout-changed", 0, at, "STEP_RECORDED", "s", data));

        assertThat(journal.read(RunId.of("run-layout"))).singleElement().satisfies(r -> assertThat(r.data())
                .isEqualTo(Map.of("value", "A\ud83d\ude00/x", "key", "head")));
        assertThatThrownBy(() -> journal.read(RunId.of("run-layout-changed")))
                .isInstanceOf(JdbcJournalCorruptedException.class)
                .hasMessageContaining("run run-layout-changed, seq 0: checksum mismatch");
    }

    private void insertRow(String table, String run, long seq, String at, String type, String step, String data,
                           String crc) throws SQLException {
        assertThat(executeUpdate(dataSource(), "INSERT INTO " + table
                + " (run_id, seq, at, type, step, data, crc) VALUES (?, ?, ?, ?, ?, ?, ?)",
                run, seq, at, type, step, data, crc)).isEqualTo(1);
    }

    @Test
    void invalidTableNameIsRejected() {
        assertThatThrownBy(() -> JdbcJournal.create(dataSource(), "journal; DROP TABLE x"))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid table name 'journal; DROP TABLE x'");
        assertThatThrownBy(() -> JdbcLock.builder(dataSource()).table("1abc"))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid table name '1abc'");
    }

    // ---------------------------------------------------------------- malformed records

    /** A run of one ConfigFile.replace whose process died after the replace: all records but RUN_FINISHED. */
    private RunId crashedRun(JdbcJournal journal, Path config, String content) throws Exception {
        java.nio.file.Files.writeString(config, "old\n");
        dev.backstep.spi.Journal full = dev.backstep.spi.Journal.inMemory();
        RunResult done = Backstep.runner().journal(full).stateDir(state.resolve("state")).build()
                .run(Plan.named("deploy " + config.getFileName()).target(config.getFileName().toString())
                        .step(dev.backstep.files.ConfigFile.replace(config, content)).build());
        assertThat(done.status()).isEqualTo(RunStatus.SUCCEEDED);
        List<JournalRecord> records = full.read(done.runId());
        records.subList(0, records.size() - 1).forEach(journal::append);
        return done.runId();
    }

    /** Rewrites the data of one row as a person with SQL access would, checksum recomputed so that it passes. */
    private long editRow(String table, RunId run, JournalRecord.Type type, String from, String to) throws SQLException {
        long seq;
        String edited;
        String crc;
        try (Connection c = dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, at, step, data FROM " + table
                     + " WHERE run_id = ? AND type = ? ORDER BY seq")) {
            ps.setString(1, run.value());
            ps.setString(2, type.name());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                seq = rs.getLong(1);
                String data = rs.getString(4);
                assertThat(data).contains(from);
                edited = data.replace(from, to);
                crc = JdbcJournal.crc(run.value(), seq, rs.getString(2), type.name(), rs.getString(3), edited);
            }
        }
        assertThat(executeUpdate(dataSource(), "UPDATE " + table + " SET data = ?, crc = ? WHERE run_id = ? AND seq = ?",
                edited, crc, run.value(), seq)).isEqualTo(1);
        return seq;
    }

    // ---------------------------------------------------------------- index table

    private static void run(Journal journal, String run, String target, String... statuses) {
        long seq = 0;
        journal.append(record(run, seq++, JournalRecord.Type.RUN_STARTED, null, Map.of("plan", "p", "target", target)));
        for (String status : statuses) {
            if (status.equals("ROLLBACK")) {
                journal.append(record(run, seq++, JournalRecord.Type.ROLLBACK_STARTED, null, Map.of("reason", "r")));
            } else {
                journal.append(record(run, seq++, JournalRecord.Type.RUN_FINISHED, null, Map.of("status", status)));
            }
        }
    }

    private long indexRows(String table) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + "_runs")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void runsOfAndUnfinishedRunsAreAnsweredFromTheIndexTableKeptWithEachRecord() throws SQLException {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        run(journal, "shop-1", "shop@prod", "SUCCEEDED");
        run(journal, "shop-2", "shop@prod", "SUCCEEDED", "ROLLBACK"); // a rollback that did not finish
        run(journal, "shop-3", "shop@prod", "INTERRUPTED");
        run(journal, "blog-1", "blog@prod", "SUCCEEDED", "ROLLBACK", "ROLLED_BACK");
        run(journal, "blog-2", "blog@prod"); // running

        assertThat(indexRows(table)).isEqualTo(5);
        assertThat(journal.indexTable()).isEqualTo(table + "_runs");
        assertThat(journal.runsOf("shop@prod")).extracting(RunId::value)
                .containsExactlyInAnyOrder("shop-1", "shop-2", "shop-3");
        assertThat(journal.runsOf("blog@prod")).extracting(RunId::value).containsExactlyInAnyOrder("blog-1", "blog-2");
        assertThat(journal.runsOf("nothing")).isEmpty();
        assertThat(journal.unfinishedRuns()).extracting(RunId::value)
                .containsExactlyInAnyOrder("shop-2", "shop-3", "blog-2");
    }

    @Test
    void aJournalTableWrittenBeforeTheIndexOrWhoseIndexWasDroppedIsIndexedWhenAJournalIsCreated() throws Exception {
        String table = freshTable("journal");
        JdbcJournal before = JdbcJournal.create(dataSource(), table);
        run(before, "shop-1", "shop@prod", "SUCCEEDED");
        run(before, "shop-2", "shop@prod", "SUCCEEDED", "ROLLBACK");
        run(before, "blog-1", "blog@prod", "SUCCEEDED");
        execute("DROP TABLE " + table + "_runs");
        // while the index is gone, the lookups read every run
        assertThat(before.runsOf("shop@prod")).extracting(RunId::value).containsExactlyInAnyOrder("shop-1", "shop-2");
        assertThat(before.unfinishedRuns()).extracting(RunId::value).containsExactly("shop-2");

        JdbcJournal after = JdbcJournal.create(dataSource(), table);

        assertThat(indexRows(table)).isEqualTo(3);
        assertThat(after.runsOf("shop@prod")).extracting(RunId::value).containsExactlyInAnyOrder("shop-1", "shop-2");
        assertThat(after.runsOf("blog@prod")).extracting(RunId::value).containsExactly("blog-1");
        assertThat(after.unfinishedRuns()).extracting(RunId::value).containsExactly("shop-2");
    }

    @Test
    void aRunWhoseFirstRowIsDamagedIsNamedForEveryTargetAndReportedByRecover() throws Exception {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        run(journal, "shop-1", "shop@prod", "SUCCEEDED");
        run(journal, "blog-1", "blog@prod", "SUCCEEDED");
        execute("DROP TABLE " + table + "_runs");
        execute("UPDATE " + table + " SET crc = '00000000' WHERE run_id = 'blog-1' AND seq = 0");

        JdbcJournal after = JdbcJournal.create(dataSource(), table);

        assertThat(after.runsOf("shop@prod")).extracting(RunId::value).containsExactlyInAnyOrder("shop-1", "blog-1");
        assertThat(Backstep.runner().journal(after).stateDir(state.resolve("state")).build().recover().unrecoverable())
                .extracting(dev.backstep.Recovery.Unrecoverable::runId).containsExactly(RunId.of("blog-1"));
    }

    @Test
    void aHandEditedRowIsReportedForItsRunAloneAndRecoveryGoesOnWithTheOthers() throws Exception {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        List<Path> configs = new java.util.ArrayList<>();
        List<RunId> runs = new java.util.ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            Path config = state.resolve("app" + n + ".conf");
            configs.add(config);
            runs.add(crashedRun(journal, config, "new\n"));
        }
        List<RunId> sorted = runs.stream().sorted().toList();
        RunId edited = sorted.get(1); // reached after another run was already rolled back
        long seq = editRow(table, edited, JournalRecord.Type.STEP_STARTED, "\"COMPENSATABLE\"", "\"SIDEWAYS\"");

        dev.backstep.Recovery recovery = Backstep.runner().journal(journal).stateDir(state.resolve("state"))
                .registry(StepRegistry.custom().registerAll(dev.backstep.files.ConfigFile.compensations()).build())
                .build().recover();

        assertThat(recovery.recovered()).extracting(RunResult::runId)
                .containsExactlyElementsOf(sorted.stream().filter(r -> !r.equals(edited)).toList());
        assertThat(recovery.recovered()).extracting(RunResult::status).containsOnly(RunStatus.ROLLED_BACK);
        assertThat(recovery.unrecoverable()).singleElement().satisfies(u -> {
            assertThat(u.runId()).isEqualTo(edited);
            assertThat(u.reason()).contains("journal table " + table + " is corrupted at run " + edited + ", seq " + seq,
                    "unknown kind 'SIDEWAYS'");
        });
        for (int i = 0; i < runs.size(); i++) {
            assertThat(java.nio.file.Files.readString(configs.get(i)))
                    .isEqualTo(runs.get(i).equals(edited) ? "new\n" : "old\n");
        }
        assertThat(journal.verify()).singleElement().satisfies(d -> {
            assertThat(d.runId()).isEqualTo(edited);
            assertThat(d.error()).isInstanceOf(JdbcJournalCorruptedException.class);
            assertThat(((JdbcJournalCorruptedException) d.error()).sequence()).isEqualTo(seq);
        });
    }

    @Test
    void aRowWithoutARunStatusIsNotTakenForAnInterruptedRun() throws Exception {
        String table = freshTable("journal");
        JdbcJournal journal = JdbcJournal.create(dataSource(), table);
        Path config = state.resolve("app.conf");
        java.nio.file.Files.writeString(config, "old\n");
        RunResult done = Backstep.runner().journal(journal).stateDir(state.resolve("state")).build()
                .run(Plan.named("deploy app").target("app")
                        .step(dev.backstep.files.ConfigFile.replace(config, "new\n")).build());
        long seq = editRow(table, done.runId(), JournalRecord.Type.RUN_FINISHED, "{\"status\":\"SUCCEEDED\"}", "{}");

        assertThatThrownBy(() -> Backstep.runner().journal(journal).stateDir(state.resolve("state")).build()
                .rollback(done.runId()))
                .isInstanceOf(JdbcJournalCorruptedException.class)
                .hasMessageContaining("journal table " + table + " is corrupted at run " + done.runId() + ", seq " + seq
                        + ": RUN_FINISHED has no 'status'");
        assertThat(java.nio.file.Files.readString(config)).isEqualTo("new\n");
        assertThat(journal.read(done.runId())).last().extracting(JournalRecord::type)
                .isEqualTo(JournalRecord.Type.RUN_FINISHED);
    }

    // ---------------------------------------------------------------- lock

    private JdbcLock lock(String table, String host) {
        return lockOf(table, host).build();
    }

    /** A lock on {@code table} for {@code host}, to be configured further. */
    private JdbcLock.Builder lockOf(String table, String host) {
        return JdbcLock.builder(dataSource()).table(table).host(host);
    }

    @Test
    void lockExcludesASecondLockInstanceAndNamesTheHolder() {
        String table = freshTable("lock");
        JdbcLock deploy1 = lock(table, "deploy-1");
        JdbcLock deploy2 = lock(table, "deploy-2");

        try (Lock.Handle held = deploy1.acquire("shop@prod", RunId.of("run-1"), Duration.ZERO)) {
            assertThat(held.tookOverFrom()).isEmpty();
            assertThatThrownBy(() -> deploy2.acquire("shop@prod", RunId.of("run-2"), Duration.ofMillis(300)))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("target 'shop@prod' is locked by run run-1 (host deploy-1, pid "
                            + ProcessHandle.current().pid())
                    .hasMessageContaining("waited PT0.3S");
            assertThat(deploy2.holder("shop@prod")).get()
                    .extracting(LockHolder::host, LockHolder::runId)
                    .containsExactly("deploy-1", RunId.of("run-1"));
            // another target is independent
            try (Lock.Handle other = deploy2.acquire("blog@prod", RunId.of("run-3"), Duration.ZERO)) {
                assertThat(other.holder().target()).isEqualTo("blog@prod");
            }
        }

        assertThat(deploy2.holder("shop@prod")).isEmpty();
        try (Lock.Handle second = deploy2.acquire("shop@prod", RunId.of("run-2"), Duration.ZERO)) {
            assertThat(deploy1.holder("shop@prod")).get().extracting(LockHolder::host).isEqualTo("deploy-2");
        }
    }

    @Test
    void waitingAcquirerGetsTheLockWhenTheHolderReleasesIt() throws Exception {
        String table = freshTable("lock");
        JdbcLock deploy1 = lock(table, "deploy-1");
        JdbcLock deploy2 = lock(table, "deploy-2");
        Lock.Handle first = deploy1.acquire("shop", RunId.of("run-1"), Duration.ZERO);

        CompletableFuture<LockHolder> waiting = CompletableFuture.supplyAsync(() -> {
            try (Lock.Handle h = deploy2.acquire("shop", RunId.of("run-2"), Duration.ofSeconds(30))) {
                return h.holder();
            }
        });
        Thread.sleep(500); // let the second host start waiting
        first.close();

        assertThat(waiting.get(30, TimeUnit.SECONDS).host()).isEqualTo("deploy-2");
        assertThat(deploy1.holder("shop")).isEmpty();
    }

    @Test
    void liveHolderKeepsItsLockBeyondTheTtlAndIsNeverBroken() throws Exception {
        String table = freshTable("lock");
        JdbcLock deploy1 = lockOf(table, "deploy-1")
                .ttl(Duration.ofMillis(3000)).heartbeatEvery(Duration.ofMillis(200)).build();
        JdbcLock deploy2 = lockOf(table, "deploy-2").ttl(Duration.ofMillis(3000)).build();

        try (Lock.Handle held = deploy1.acquire("shop", RunId.of("run-1"), Duration.ZERO)) {
            Thread.sleep(4500); // well beyond the TTL: only the heartbeat keeps the lock alive

            assertThat(deploy2.isStale("shop")).isFalse();
            assertThatThrownBy(() -> deploy2.breakLock("shop"))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("target 'shop' is locked by run run-1 (host deploy-1")
                    .hasMessageContaining("a live lock is never broken");
            assertThatThrownBy(() -> deploy2.acquire("shop", RunId.of("run-2"), Duration.ZERO))
                    .isInstanceOf(LockUnavailableException.class);
            assertThat(deploy2.holder("shop")).get().extracting(LockHolder::runId).isEqualTo(RunId.of("run-1"));
        }
    }

    @Test
    void holderWhoseHeartbeatStoppedBecomesStaleAndCanBeBroken() throws Exception {
        String table = freshTable("lock");
        JdbcLock deploy1 = lockOf(table, "deploy-1")
                .ttl(Duration.ofMillis(800)).heartbeatEvery(Duration.ofMillis(100)).build();
        JdbcLock deploy2 = lockOf(table, "deploy-2").ttl(Duration.ofMillis(800)).build();
        Lock.Handle hung = deploy1.acquire("shop", RunId.of("run-1"), Duration.ZERO);
        Instant beatBefore = deploy2.lastHeartbeat("shop").orElseThrow();

        deploy1.stopHeartbeats(); // the holder hangs (or lost its host)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!deploy2.isStale("shop") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(deploy2.isStale("shop")).isTrue();
        assertThat(deploy2.lastHeartbeat("shop")).get().satisfies(t -> assertThat(t).isAfterOrEqualTo(beatBefore));
        assertThat(deploy2.breakLock("shop")).isTrue();
        assertThat(deploy2.holder("shop")).isEmpty();
        assertThat(deploy2.breakLock("shop")).isFalse();
        try (Lock.Handle mine = deploy2.acquire("shop", RunId.of("run-2"), Duration.ZERO)) {
            hung.close(); // the hung holder wakes up and releases: it must not release the new holder's lock
            assertThat(deploy1.holder("shop")).get().extracting(LockHolder::runId).isEqualTo(RunId.of("run-2"));
        }
    }

    @Test
    void rowWithAnOldHeartbeatIsTakenOverByTheNextAcquire() throws Exception {
        String table = freshTable("lock");
        JdbcLock deploy2 = lockOf(table, "deploy-2").ttl(Duration.ofSeconds(30)).build();
        insertLockRow(table, "shop", "deploy-gone", 4242, "run-old", Instant.now().minusSeconds(3600));

        assertThat(deploy2.isStale("shop")).isTrue();
        try (Lock.Handle h = deploy2.acquire("shop", RunId.of("run-new"), Duration.ZERO)) {
            assertThat(h.tookOverFrom()).get().extracting(LockHolder::host, LockHolder::runId)
                    .containsExactly("deploy-gone", RunId.of("run-old"));
            assertThat(deploy2.holder("shop")).get().extracting(LockHolder::runId).isEqualTo(RunId.of("run-new"));
        }
    }

    @Test
    void rowOfADeadProcessOnThisHostIsStaleDespiteAFreshHeartbeat() throws Exception {
        String table = freshTable("lock");
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).as("`true` exited").isTrue();
        insertLockRow(table, "shop", Locks.localHost(), p.pid(), "run-dead", Instant.now());
        JdbcLock lock = JdbcLock.builder(dataSource()).table(table).build();

        assertThat(lock.isStale("shop")).isTrue();
        assertThat(lock.holder("shop")).get().satisfies(h -> assertThat(h.isStale()).isTrue());
        assertThat(lock.breakLock("shop")).isTrue();
        assertThat(lock.holder("shop")).isEmpty();
    }

    @Test
    void rowOfADeadProcessOnThisHostIsStaleAlsoWhenTheLockNamesTheHostItself() throws Exception {
        String table = freshTable("lock");
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        insertLockRow(table, "shop", "deploy-1", p.pid(), "run-dead", Instant.now());
        JdbcLock lock = lock(table, "deploy-1");

        assertThat(lock.isStale("shop")).isTrue();
        try (Lock.Handle h = lock.acquire("shop", RunId.of("run-new"), Duration.ZERO)) {
            assertThat(h.tookOverFrom()).get().extracting(LockHolder::runId).isEqualTo(RunId.of("run-dead"));
        }
    }

    @Test
    void heldLockKnowsWhenItsRowIsDeletedOrTakenOver() throws Exception {
        String table = freshTable("lock");
        JdbcLock deploy1 = lock(table, "deploy-1");
        try (Lock.Handle h = deploy1.acquire("shop", RunId.of("run-1"), Duration.ZERO)) {
            assertThat(h.isHeld()).isTrue();
            execute("DELETE FROM " + table + " WHERE target = 'shop'");
            assertThat(h.isHeld()).isFalse();
        }
        try (Lock.Handle h = deploy1.acquire("shop", RunId.of("run-2"), Duration.ZERO)) {
            execute("UPDATE " + table + " SET host = 'deploy-2', run_id = 'run-3' WHERE target = 'shop'");
            assertThat(h.isHeld()).isFalse();
            h.close();
            assertThat(deploy1.holder("shop")).get().extracting(LockHolder::host).isEqualTo("deploy-2");
        }
        Lock.Handle released = deploy1.acquire("blog", RunId.of("run-4"), Duration.ZERO);
        released.close();
        assertThat(released.isHeld()).isFalse();
    }

    @Test
    void losingTheLockMidRunStopsTheRunInterruptedAndRecoverFinishesIt() throws Exception {
        String journalTable = freshTable("journal");
        String lockTable = freshTable("lock");
        String dbName = settingsWithVersion("1.2.0");
        execute("INSERT INTO settings (k, v) VALUES ('mode', 'old')");
        JdbcLock lock1 = lock(lockTable, "deploy-1");
        var host1 = Backstep.runner().journal(JdbcJournal.create(dataSource(), journalTable)).lock(lock1)
                .stateDir(state.resolve("host1")).build();
        // another host breaks the lock (e.g. judged it stale) and takes the target while step 2 runs
        Step stolen = Step.verification("lock taken by deploy-2", ctx -> {
            execute("DELETE FROM " + lockTable + " WHERE target = 'shop@prod'");
            insertLockRow(lockTable, "shop@prod", "deploy-2", 4242, "run-of-deploy-2", Instant.now());
        });
        Plan plan = Plan.named("deploy shop 1.3.0").target("shop@prod")
                .step(new SetSetting(dbName, "version", "1.3.0"))
                .step(stolen)
                .step(new SetSetting(dbName, "mode", "new"))
                .build();

        RunResult r = host1.run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(r.failure()).get().satisfies(f -> assertThat(f.getCause())
                .isInstanceOf(dev.backstep.LockLostException.class)
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("lost the lock on target 'shop@prod'")
                .hasMessageContaining("before step 'set mode'"));
        assertThat(read(dataSource(), "mode")).as("no step runs once the lock is lost").isEqualTo("old");
        assertThat(read(dataSource(), "version")).isEqualTo("1.3.0");
        assertThat(lock1.holder("shop@prod")).get().extracting(LockHolder::host)
                .as("releasing a lost lock leaves the new holder's row alone").isEqualTo("deploy-2");

        assertThat(host1.recover().unrecoverable()).singleElement()
                .satisfies(u -> assertThat(u.reason()).contains("locked by a live process"));
        execute("DELETE FROM " + lockTable + " WHERE target = 'shop@prod'"); // deploy-2 is done

        dev.backstep.Recovery recovery = host1.recover();

        assertThat(recovery.recovered()).singleElement().satisfies(x -> assertThat(x.status())
                .isEqualTo(RunStatus.ROLLED_BACK));
        assertThat(read(dataSource(), "version")).isEqualTo("1.2.0");
    }

    @Test
    void badTargetsAndWaitsAreRejected() {
        JdbcLock lock = lock(freshTable("lock"), "deploy-1");
        assertThatThrownBy(() -> lock.acquire(" ", RunId.of("r"), Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> lock.acquire("a\nb", RunId.of("r"), Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> lock.acquire("shop", RunId.of("r"), Duration.ofSeconds(-1)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> JdbcLock.builder(dataSource()).ttl(Duration.ofSeconds(1))
                .heartbeatEvery(Duration.ofSeconds(2)).build())
                .isInstanceOf(BackstepException.class).hasMessageContaining("shorter than the TTL");
    }

    // ---------------------------------------------------------------- with a runner

    /** Sets a value in table {@code settings}; its compensation restores the recorded previous value. */
    static final class SetSetting extends AbstractStep {
        static final String TYPE = "test.db-setting";
        static final Map<String, DataSource> DATABASES = new java.util.concurrent.ConcurrentHashMap<>();
        static final Compensation RESTORE = ctx -> {
            DataSource ds = DATABASES.get(ctx.recorded("database").orElseThrow());
            Optional<String> previous = ctx.recorded("previous");
            if (previous.isPresent()) {
                update(ds, ctx.recorded("key").orElseThrow(), previous.get());
            }
        };
        private final String database;
        private final String key;
        private final String value;

        SetSetting(String database, String key, String value) {
            this("set " + key, database, key, value);
        }

        private SetSetting(String name, String database, String key, String value) {
            super(name, TYPE);
            this.database = database;
            this.key = key;
            this.value = value;
        }

        @Override
        public SetSetting withName(String newName) {
            return new SetSetting(newName, database, key, value);
        }

        @Override
        public void execute(StepContext ctx) throws Exception {
            DataSource ds = DATABASES.get(database);
            ctx.record("database", database);
            ctx.record("key", key);
            ctx.record("previous", read(ds, key));
            update(ds, key, value);
        }

        @Override
        public Compensation compensation() {
            return RESTORE;
        }

        @Override
        public String describe() {
            return "set " + key + " = " + value;
        }

        @Override
        public boolean hostIndependent() {
            return true; // a shared database: any host can set it back
        }
    }

    static String read(DataSource ds, String key) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT v FROM settings WHERE k = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static void update(DataSource ds, String key, String value) throws SQLException {
        executeUpdate(ds, "UPDATE settings SET v = ? WHERE k = ?", value, key);
    }

    /** Runs an INSERT or UPDATE with {@code params} bound in order (null as SQL NULL); the number of rows changed. */
    static int executeUpdate(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] == null) {
                    ps.setNull(i + 1, java.sql.Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            return ps.executeUpdate();
        }
    }

    @Test
    void aRunJournaledByOneHostIsRolledBackByAnotherHostsRunner() throws Exception {
        String journalTable = freshTable("journal");
        String lockTable = freshTable("lock");
        String dbName = settingsWithVersion("1.2.0");
        JdbcLock lock1 = lock(lockTable, "deploy-1");
        var host1 = Backstep.runner().journal(JdbcJournal.create(dataSource(), journalTable)).lock(lock1)
                .stateDir(state.resolve("host1")).build();
        Plan plan = Plan.named("deploy shop 1.3.0").target("shop@prod")
                .step(new SetSetting(dbName, "version", "1.3.0"))
                .build();

        RunResult deployed = host1.run(plan);
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(read(dataSource(), "version")).isEqualTo("1.3.0");

        // another host: its own journal instance, lock instance, state dir, and only a registry
        var host2 = secondHost(journalTable, lockTable);
        try (Lock.Handle busy = lock1.acquire("shop@prod", RunId.of("other-run"), Duration.ZERO)) {
            assertThatThrownBy(() -> host2.rollback(deployed.runId()))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("host deploy-1");
            assertThat(read(dataSource(), "version")).isEqualTo("1.3.0");
        }

        RunResult rolledBack = host2.rollback(deployed.runId());

        assertThat(rolledBack.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(read(dataSource(), "version")).isEqualTo("1.2.0");
        assertThat(host1.summary(deployed.runId()).status()).contains(RunStatus.ROLLED_BACK);
    }

    @Test
    void aRunTakingOverTheJdbcLockOfADeadRunRollsThatRunBackFirstAndRecoverLosesNothing() throws Exception {
        String journalTable = freshTable("journal");
        String lockTable = freshTable("lock");
        String dbName = settingsWithVersion("1.2.0");
        // host 1 dies after its step, before the run is journaled as finished, holding the lock
        Journal journal1 = JdbcJournal.create(dataSource(), journalTable);
        Journal dying = new ForwardingJournal(journal1) {
            @Override
            public void append(JournalRecord record) {
                if (record.type() == JournalRecord.Type.RUN_FINISHED) {
                    throw new IllegalStateException("host 1 died");
                }
                super.append(record);
            }
        };
        var host1 = Backstep.runner().journal(dying).lock(lock(lockTable, "deploy-1"))
                .stateDir(state.resolve("host1")).build();
        assertThatThrownBy(() -> host1.run(Plan.named("deploy shop 1.3.0").target("shop@prod")
                .step(new SetSetting(dbName, "version", "1.3.0")).build())).hasMessageContaining("host 1 died");
        RunId dead = journal1.runIds().get(0);
        insertLockRow(lockTable, "shop@prod", "deploy-1", 4242, dead.value(), Instant.now().minusSeconds(3600));
        assertThat(read(dataSource(), "version")).isEqualTo("1.3.0");

        var host2 = secondHost(journalTable, lockTable);
        RunResult next = host2.run(Plan.named("deploy shop 1.4.0").target("shop@prod")
                .step(new SetSetting(dbName, "version", "1.4.0")).build());

        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(host2.summary(dead).status()).as("rolled back before the new run's first step")
                .contains(RunStatus.ROLLED_BACK);
        assertThat(host2.history("shop@prod")).extracting(s -> s.runId()).containsExactly(dead, next.runId());
        assertThat(host2.recover().nothingToDo()).isTrue();
        assertThat(read(dataSource(), "version")).isEqualTo("1.4.0");
        // and rolling the new run back restores what was there before the dead run
        assertThat(host2.rollback(next.runId()).status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(read(dataSource(), "version")).isEqualTo("1.2.0");
    }

    /** Writes {@code file} on this host; its compensation puts back what was there. */
    static Step writeLocalFile(Path file, String content) {
        return Step.named("write " + file.getFileName()).action(ctx -> {
            ctx.record("previous", java.nio.file.Files.readString(file));
            java.nio.file.Files.writeString(file, content);
        }).compensation(ctx -> java.nio.file.Files.writeString(file, ctx.recorded("previous").orElseThrow())).build();
    }

    private dev.backstep.Runner hostRunner(String host, String journalTable, String lockTable) {
        return Backstep.runner().host(host).journal(JdbcJournal.create(dataSource(), journalTable))
                .lock(lock(lockTable, host))
                .registry(StepRegistry.custom().register(SetSetting.TYPE, SetSetting.RESTORE).build())
                .stateDir(state.resolve(host)).build();
    }

    /** Another host's runner: its own journal instance, lock instance and state dir, and only a registry. */
    private dev.backstep.Runner secondHost(String journalTable, String lockTable) {
        return Backstep.runner().journal(JdbcJournal.create(dataSource(), journalTable))
                .lock(lock(lockTable, "deploy-2"))
                .registry(StepRegistry.custom().register(SetSetting.TYPE, SetSetting.RESTORE).build())
                .stateDir(state.resolve("host2")).build();
    }

    private String settingsWithVersion(String version) throws SQLException {
        execute("CREATE TABLE IF NOT EXISTS settings (k VARCHAR(50) PRIMARY KEY, v VARCHAR(50))");
        execute("DELETE FROM settings");
        execute("INSERT INTO settings (k, v) VALUES ('version', '" + version + "')");
        String dbName = getClass().getSimpleName();
        SetSetting.DATABASES.put(dbName, dataSource());
        return dbName;
    }

    /**
     * Runners on hosts deploy-1 and deploy-2 sharing a journal table and a lock table, with the
     * settings table at version 1.2.0 and {@code env}, a file on this host, at {@code VERSION=1.2.0}.
     */
    private record TwoHosts(String journalTable, String dbName, Path env, dev.backstep.Runner host1,
                            dev.backstep.Runner host2) {
        /** Sets the version to 1.3.0 in the database (host-independent) and in {@code env} (host-local). */
        Plan.Builder deploy() {
            return Plan.named("deploy shop 1.3.0").target("shop@prod")
                    .step(new SetSetting(dbName, "version", "1.3.0"))
                    .step(writeLocalFile(env, "VERSION=1.3.0\n"));
        }
    }

    private TwoHosts twoHostsWithALocalFile() throws Exception {
        String journalTable = freshTable("journal");
        String lockTable = freshTable("lock");
        String dbName = settingsWithVersion("1.2.0");
        Path env = state.resolve("app.env");
        java.nio.file.Files.createDirectories(state);
        java.nio.file.Files.writeString(env, "VERSION=1.2.0\n");
        return new TwoHosts(journalTable, dbName, env, hostRunner("deploy-1", journalTable, lockTable),
                hostRunner("deploy-2", journalTable, lockTable));
    }

    @Test
    void aRunWithHostLocalStepsIsRolledBackOnlyOnItsOwnHost() throws Exception {
        TwoHosts hosts = twoHostsWithALocalFile();
        RunResult deployed = hosts.host1().run(hosts.deploy().build());
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(hosts.host2().history("shop@prod")).singleElement().extracting(s -> s.runId()).isEqualTo(deployed.runId());
        assertThat(JdbcJournal.create(dataSource(), hosts.journalTable()).read(deployed.runId()).get(0).get("host"))
                .contains("deploy-1");

        assertThatThrownBy(() -> hosts.host2().rollback(deployed.runId()))
                .isInstanceOfSatisfying(dev.backstep.HostAffinityException.class, e -> {
                    assertThat(e.host()).isEqualTo("deploy-1");
                    assertThat(e.steps()).containsExactly("write app.env");
                })
                .isInstanceOf(dev.backstep.RollbackRefusedException.class)
                .hasMessageContaining("ran on host 'deploy-1'")
                .hasMessageContaining("this runner is on 'deploy-2'");
        assertThat(read(dataSource(), "version")).as("nothing changed").isEqualTo("1.3.0");
        assertThat(hosts.env()).hasContent("VERSION=1.3.0\n");
        assertThat(hosts.host2().summary(deployed.runId()).status()).contains(RunStatus.SUCCEEDED);

        RunResult rolledBack = hosts.host1().rollback(deployed.runId());

        assertThat(rolledBack.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(read(dataSource(), "version")).isEqualTo("1.2.0");
        assertThat(hosts.env()).hasContent("VERSION=1.2.0\n");
    }

    @Test
    void aRunOfHostIndependentStepsIsRolledBackFromAnyHost() throws Exception {
        String journalTable = freshTable("journal");
        String lockTable = freshTable("lock");
        String dbName = settingsWithVersion("1.2.0");
        RunResult deployed = hostRunner("deploy-1", journalTable, lockTable).run(Plan.named("migrate shop")
                .target("shop-db").step(new SetSetting(dbName, "version", "1.3.0")).build());

        RunResult rolledBack = hostRunner("deploy-2", journalTable, lockTable).rollback(deployed.runId());

        assertThat(rolledBack.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(read(dataSource(), "version")).isEqualTo("1.2.0");
    }

    @Test
    void recoverOnAnotherHostLeavesARunWithHostLocalStepsForItsHost() throws Exception {
        TwoHosts hosts = twoHostsWithALocalFile();
        Step stopped = Step.named("restart").action(ctx -> {
            throw new InterruptedException("deploy tool stopped");
        }).build();
        RunResult interrupted = hosts.host1().run(hosts.deploy().step(stopped).build());
        Thread.interrupted(); // the runner hands the interrupt back to its caller
        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);

        dev.backstep.Recovery elsewhere = hosts.host2().recover();

        assertThat(elsewhere.recovered()).isEmpty();
        assertThat(elsewhere.unrecoverable()).singleElement().satisfies(u -> {
            assertThat(u.runId()).isEqualTo(interrupted.runId());
            assertThat(u.reason()).contains("left for its host 'deploy-1'").contains("write app.env");
        });
        assertThat(read(dataSource(), "version")).isEqualTo("1.3.0");
        assertThat(hosts.env()).hasContent("VERSION=1.3.0\n");

        dev.backstep.Recovery atHome = hosts.host1().recover();

        assertThat(atHome.recovered()).singleElement().satisfies(r -> assertThat(r.status())
                .isEqualTo(RunStatus.ROLLED_BACK));
        assertThat(read(dataSource(), "version")).isEqualTo("1.2.0");
        assertThat(hosts.env()).hasContent("VERSION=1.2.0\n");
    }

    @Test
    void blankOrControlCharacterHostNamesAreRejected() {
        assertThatThrownBy(() -> Backstep.runner().host(" ")).isInstanceOf(BackstepException.class)
                .hasMessageContaining("runner host name must be 1 to 255 characters");
        assertThatThrownBy(() -> Backstep.runner().host("deploy\n1")).isInstanceOf(BackstepException.class)
                .hasMessageContaining("'deploy?1'");
    }

    // ---------------------------------------------------------------- helpers

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void insertLockRow(String table, String target, String host, long pid, String runId, Instant heartbeat)
            throws SQLException {
        JdbcLock.builder(dataSource()).table(table).build(); // creates the table
        executeUpdate(dataSource(), "INSERT INTO " + table
                + " (target, host, pid, run_id, since, heartbeat) VALUES (?, ?, ?, ?, ?, ?)",
                target, host, pid, runId, heartbeat.minusSeconds(5).toString(), heartbeat.toEpochMilli());
    }
}
