package dev.backstep.db.journal;

import dev.backstep.BackstepException;
import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.spi.JournalRecord;
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
import java.util.List;
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
    void create(JdbcJournal journal) {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = Dialect.of(c);
            c.setAutoCommit(true);
            execute(c, "CREATE TABLE IF NOT EXISTS " + table + " (run_id VARCHAR(128) NOT NULL PRIMARY KEY, "
                    + "target_key CHAR(64) NOT NULL, open_run SMALLINT NOT NULL)" + d.tableOptions);
            createIndex(c, table + "_t", "target_key");
            createIndex(c, table + "_o", "open_run");
            List<RunId> missing = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT j.run_id FROM " + journalTable + " j WHERE j.seq = 0 AND NOT EXISTS"
                         + " (SELECT 1 FROM " + table + " r WHERE r.run_id = j.run_id)")) {
                while (rs.next()) {
                    missing.add(RunId.of(rs.getString(1)));
                }
            }
            for (RunId id : missing) {
                backfill(c, journal, id);
            }
            if (!missing.isEmpty()) {
                LOG.info("journal table {}: indexed {} run(s) in {}", journalTable, missing.size(), table);
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

    private void backfill(Connection c, JdbcJournal journal, RunId id) throws SQLException {
        String key = UNKNOWN;
        boolean open = true;
        try {
            List<JournalRecord> records = journal.read(id);
            String target = null;
            String status = null;
            for (JournalRecord r : records) {
                switch (r.type()) {
                    case RUN_STARTED -> target = r.data().get("target");
                    case ROLLBACK_STARTED -> status = null;
                    case RUN_FINISHED -> status = r.data().get("status");
                    default -> {
                    }
                }
            }
            key = target == null ? UNKNOWN : key(target);
            open = status == null || status.equals("INTERRUPTED");
        } catch (JournalCorruptedException damaged) {
            // named for every target and by unfinishedRuns(): whoever reads it reports the damage
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (run_id, target_key, open_run) VALUES (?, ?, ?)")) {
            ps.setString(1, id.value());
            ps.setString(2, key);
            ps.setInt(3, open ? 1 : 0);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!Dialect.isUniqueViolation(e)) {
                throw e;
            } // indexed by its writer meanwhile
        }
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
        return query("SELECT run_id FROM " + table + " WHERE target_key = ? OR target_key = ?", key(target), UNKNOWN);
    }

    /** The runs that may need recovery, and those of unknown target; empty when the index cannot be queried. */
    Optional<List<RunId>> unfinished() {
        return query("SELECT run_id FROM " + table + " WHERE open_run = 1 OR target_key = ?", UNKNOWN);
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
