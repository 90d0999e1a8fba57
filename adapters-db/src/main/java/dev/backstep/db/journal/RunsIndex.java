package dev.backstep.db.journal;

import dev.backstep.BackstepException;
import dev.backstep.RunId;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index table of a {@link JdbcJournal}: run to target key and whether it may need recovery.
 * Written in the transaction of the record that changes it; filled from the journal rows of the
 * runs it lacks when a journal is created.
 *
 * <pre>{@code
 * RunsIndex index = new RunsIndex(dataSource, "backstep_journal");
 * index.create(journal);
 * }</pre>
 */
final class RunsIndex {
    private static final Logger LOG = LoggerFactory.getLogger(RunsIndex.class);
    /** The key of a run whose target cannot be read: named for every target. */
    static final String UNKNOWN = "-";

    private final DataSource dataSource;
    private final String journalTable;
    private final String table;

    RunsIndex(DataSource dataSource, String journalTable) {
        this.dataSource = dataSource;
        this.journalTable = journalTable;
        // identifiers stay within 63 characters (PostgreSQL truncates longer ones, MariaDB refuses them)
        String base = journalTable.length() <= 53 ? journalTable
                : journalTable.substring(0, 44) + "_" + Integer.toHexString(journalTable.hashCode());
        this.table = base + "_runs";
    }

    String table() {
        return table;
    }

    /**
     * Creates the table and its indexes when missing, then adds the runs it lacks (by their first
     * record: one probe of the primary key per run).
     */
    void create() {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = Dialect.of(c);
            c.setAutoCommit(true);
            execute(c, "CREATE TABLE IF NOT EXISTS " + table + " (run_id VARCHAR(128) NOT NULL PRIMARY KEY, "
                    + "target_key CHAR(64) NOT NULL, open_run SMALLINT NOT NULL)" + d.tableOptions);
            createIndex(c, table + "_t", "target_key");
            createIndex(c, table + "_o", "open_run");
            boolean missing;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT j.run_id FROM " + journalTable + " j WHERE j.seq = 0 AND NOT EXISTS"
                         + " (SELECT 1 FROM " + table + " r WHERE r.run_id = j.run_id)")) {
                missing = rs.next();
            }
            if (missing) {
                backfill(c);
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot create the index table " + table + " of journal table " + journalTable
                    + ": " + Dialect.describe(e), e);
        }
    }

    private void createIndex(Connection c, String name, String column) throws SQLException {
        try {
            execute(c, "CREATE INDEX " + name + " ON " + table + " (" + column + ")");
        } catch (SQLException exists) {
            // there already (another host created it at the same moment, or an earlier start): fine
            LOG.debug("index {} of {}: {}", name, table, exists.getMessage());
        }
    }

    /**
     * Indexes every run the index lacks from its run-level rows, in one pass: a row that fails its
     * checksum makes its run of unknown target (named for every target and by unfinishedRuns(), so
     * whoever reads it reports the damage).
     */
    private void backfill(Connection c) throws SQLException {
        Map<String, String[]> runs = new LinkedHashMap<>(); // run id -> {target key, open}
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT j.run_id, j.seq, j.at, j.type, j.step, j.data, j.crc FROM "
                     + journalTable + " j WHERE j.type IN ('RUN_STARTED', 'ROLLBACK_STARTED', 'RUN_FINISHED')"
                     + " AND NOT EXISTS (SELECT 1 FROM " + table + " r WHERE r.run_id = j.run_id)"
                     + " ORDER BY j.run_id, j.seq")) {
            while (rs.next()) {
                String id = rs.getString(1);
                String type = rs.getString(4);
                String data = rs.getString(6);
                String[] run = runs.computeIfAbsent(id, k -> new String[] {UNKNOWN, "1", ""});
                if (run[2].equals("damaged")) {
                    continue;
                }
                Map<String, Object> values;
                try {
                    if (data == null || !JdbcJournal.crc(id, rs.getLong(2), rs.getString(3), type, rs.getString(5), data)
                            .equals(rs.getString(7))) {
                        throw new IllegalArgumentException("checksum");
                    }
                    values = JsonCodec.parse(data);
                } catch (RuntimeException damaged) {
                    run[0] = UNKNOWN;
                    run[1] = "1";
                    run[2] = "damaged";
                    continue;
                }
                switch (type) {
                    case "RUN_STARTED" -> run[0] = values.get("target") instanceof String t ? key(t) : UNKNOWN;
                    case "ROLLBACK_STARTED" -> run[1] = "1";
                    default -> run[1] = "INTERRUPTED".equals(values.get("status")) ? "1" : "0";
                }
            }
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (run_id, target_key, open_run) VALUES (?, ?, ?)")) {
            int n = 0;
            for (Map.Entry<String, String[]> e : runs.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue()[0]);
                ps.setInt(3, Integer.parseInt(e.getValue()[1]));
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            if (!Dialect.isUniqueViolation(e)) {
                throw e;
            } // another host indexed them at the same moment: its rows are as good
        } finally {
            c.setAutoCommit(auto);
        }
        LOG.info("journal table {}: indexed {} run(s) in {}", journalTable, runs.size(), table);
    }

    /** Keeps the run's row in step with {@code r}, in the caller's transaction. */
    void track(Connection c, JournalRecord r) throws SQLException {
        switch (r.type()) {
            case RUN_STARTED -> {
                String target = r.data().get("target");
                upsert(c, r.runId(), target == null ? UNKNOWN : key(target), true);
            }
            case ROLLBACK_STARTED -> upsert(c, r.runId(), null, true);
            case RUN_FINISHED -> upsert(c, r.runId(), null, "INTERRUPTED".equals(r.data().get("status")));
            default -> {
            }
        }
    }

    private void upsert(Connection c, RunId id, String key, boolean open) throws SQLException {
        String set = key == null ? "open_run = ?" : "open_run = ?, target_key = ?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE run_id = ?")) {
            int i = 1;
            ps.setInt(i++, open ? 1 : 0);
            if (key != null) {
                ps.setString(i++, key);
            }
            ps.setString(i, id.value());
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (run_id, target_key, open_run) VALUES (?, ?, ?)")) {
            ps.setString(1, id.value());
            ps.setString(2, key == null ? UNKNOWN : key); // a rollback of a run the index lacks: read it to know
            ps.setInt(3, open ? 1 : 0);
            ps.executeUpdate();
        }
    }

    /** The runs of {@code target} and of unknown target; empty when the index table cannot be queried. */
    Optional<List<RunId>> runsOf(String target) {
        return query("SELECT run_id FROM " + table + " WHERE target_key IN (?, ?)", key(target), UNKNOWN);
    }

    /** The runs that may need recovery, and those of unknown target; empty when the index cannot be queried. */
    Optional<List<RunId>> unfinished() {
        // a UNION, not an OR: each side is answered from its own index
        return query("SELECT run_id FROM " + table + " WHERE open_run = 1 UNION SELECT run_id FROM " + table
                + " WHERE target_key = ?", UNKNOWN);
    }

    private Optional<List<RunId>> query(String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<RunId> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(RunId.of(rs.getString(1)));
                }
            }
            return Optional.of(out);
        } catch (SQLException e) {
            LOG.warn("index table {} of journal table {} cannot be queried ({}); reading every run instead", table,
                    journalTable, Dialect.describe(e));
            return Optional.empty();
        }
    }

    static String key(String target) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(target.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
