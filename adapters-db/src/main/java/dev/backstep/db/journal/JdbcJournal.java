package dev.backstep.db.journal;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import javax.sql.DataSource;

/**
 * A {@link Journal} in a database table, shared by every deploy host that reaches the database:
 * a run started on one host can be rolled back or recovered from another.
 *
 * <pre>{@code
 * Journal journal = JdbcJournal.create(dataSource);
 * Lock lock = JdbcLock.create(dataSource);
 * Runner runner = Backstep.runner().journal(journal).lock(lock).build();
 * }</pre>
 *
 * <p>Table (created when missing, {@code CREATE TABLE IF NOT EXISTS}):
 * <pre>
 * backstep_journal(run_id VARCHAR(128), seq BIGINT, at VARCHAR(40), type VARCHAR(40),
 *                  step VARCHAR(1000) NULL, data TEXT, crc CHAR(8), PRIMARY KEY (run_id, seq))
 * </pre>
 * {@code at} is the ISO-8601 instant text (exact to the nanosecond on every database), {@code data}
 * the record's data as a JSON object of strings (written by {@link JsonCodec}), {@code crc} the
 * CRC32C (8 lowercase hex digits) of the row's column values as stored, in the fixed framing of
 * {@link #crc}: it never depends on how a JSON writer formats the data, so a row verifies whichever
 * version wrote it. It is verified on every {@link #read}, and a row that does not match raises
 * {@link JdbcJournalCorruptedException}, and so does a row that matches but cannot be replayed
 * without guessing (an unknown step kind or run status, a missing step name) when a runner replays
 * its run or {@link #verify()} checks it.
 *
 * <p>Durability: every {@link #append} is one {@code INSERT} in its own transaction, committed
 * before it returns, so a record is as durable as the database makes a commit: PostgreSQL with
 * {@code synchronous_commit=on} (the default) and MariaDB/InnoDB with
 * {@code innodb_flush_log_at_trx_commit=1} (the default) flush their log on commit; H2 writes
 * committed data with a delay ({@code WRITE_DELAY}, 500 ms by default), so a crash of the H2
 * process can lose the last records: use H2 for tests. A duplicate {@code (run_id, seq)} is
 * rejected by the primary key ({@link BackstepException}); nothing is ever updated or deleted.
 *
 * <p>Dialects: PostgreSQL uses {@code TEXT} for {@code data}, MariaDB/MySQL {@code LONGTEXT} in an
 * InnoDB table with {@code utf8mb4} and a binary collation (so run ids compare exactly and any
 * Unicode survives a latin1 server default), H2 and others {@code CLOB}. Statements are portable
 * SQL; {@link #runIds} is sorted in Java, independent of the database collation.
 *
 * <p>Index: a second table, {@code <table>_runs(run_id PRIMARY KEY, target_key CHAR(64),
 * open_run SMALLINT)} with an index on each column, written in the same transaction as a run's
 * {@code RUN_STARTED}, {@code ROLLBACK_STARTED} and {@code RUN_FINISHED} records: {@link #runsOf}
 * and {@link #unfinishedRuns} are indexed queries, so {@code rollback(runId)}, {@code history},
 * {@code lastGood} and {@code recover()} do not read other targets' or finished runs.
 * {@code target_key} is the SHA-256 of the target (hex), {@code -} when a run's target cannot be
 * read (such runs are named for every target, so that their damage is reported); the runner reads
 * every run it is given and checks its target again. The index table is created beside an existing
 * journal table without changing it ({@code CREATE TABLE IF NOT EXISTS}, a migration-safe upgrade)
 * and filled from the journal rows of the runs it does not know each time a journal is created,
 * so it is rebuilt when dropped; runs journaled meanwhile by a Backstep without the index are
 * seen by the next journal created: upgrade every host that writes to the table. When the index
 * table cannot be queried, the lookups read every run (the {@link Journal} defaults); an append of
 * a run-level record fails while it is missing (no run escapes the index), until a journal is
 * created again.
 *
 * <p>Thread-safe: every call borrows its own connection from the {@link DataSource} (use a pool)
 * and gives it back before returning.
 */
public final class JdbcJournal implements Journal {
    /** The default table name. */
    public static final String DEFAULT_TABLE = "backstep_journal";

    private final DataSource dataSource;
    private final String table;
    private final RunsIndex index;

    private JdbcJournal(DataSource dataSource, String table) {
        this.dataSource = PlanDefinitionException.requireNonNull(dataSource, null, "the data source");
        this.table = Dialect.checkTableName(table);
        createTable();
        this.index = new RunsIndex(dataSource, this.table);
        index.create();
    }

    /**
     * A journal in {@value #DEFAULT_TABLE}, created when missing.
     *
     * @throws BackstepException when the database cannot be reached or the table cannot be created
     */
    public static JdbcJournal create(DataSource dataSource) {
        return new JdbcJournal(dataSource, DEFAULT_TABLE);
    }

    /**
     * A journal in {@code table} (letters, digits, '_'), created when missing.
     *
     * @throws BackstepException when the name is invalid, the database cannot be reached or the table
     *     cannot be created
     */
    public static JdbcJournal create(DataSource dataSource, String table) {
        return new JdbcJournal(dataSource, table);
    }

    /** The table this journal writes. */
    public String table() {
        return table;
    }

    private void createTable() {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = Dialect.of(c);
            String ddl = "CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "run_id VARCHAR(128) NOT NULL, "
                    + "seq BIGINT NOT NULL, "
                    + "at VARCHAR(40) NOT NULL, "
                    + "type VARCHAR(40) NOT NULL, "
                    + "step VARCHAR(1000), "
                    + "data " + d.longText + " NOT NULL, "
                    + "crc CHAR(8) NOT NULL, "
                    + "PRIMARY KEY (run_id, seq))" + d.tableOptions;
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute(ddl);
            } catch (SQLException raced) {
                // another host created it at the same moment: fine if it is there now
                if (!tableExists(c)) {
                    throw raced;
                }
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot create journal table " + table + ": " + Dialect.describe(e), e);
        }
    }

    private boolean tableExists(Connection c) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT run_id FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void append(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        if (record.sequence() < 0) {
            throw new BackstepException("run " + record.runId() + ": sequence must not be negative, was "
                    + record.sequence());
        }
        String at = record.at().toString();
        String step = record.step().orElse(null);
        String data = JsonCodec.write(new TreeMap<>(record.data()));
        String crc = crc(record.runId().value(), record.sequence(), at, record.type().name(), step, data);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (run_id, seq, at, type, step, data, crc) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, record.runId().value());
                ps.setLong(2, record.sequence());
                ps.setString(3, at);
                ps.setString(4, record.type().name());
                ps.setString(5, step);
                ps.setString(6, data);
                ps.setString(7, crc);
                ps.executeUpdate();
                index.track(c, record);
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly(c, e);
                if (Dialect.isUniqueViolation(e)) {
                    throw new BackstepException("run " + record.runId() + ": sequence " + record.sequence()
                            + " is already in journal table " + table + "; records are never replaced", e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot append record " + record.sequence() + " of run " + record.runId()
                    + " to journal table " + table + ": " + Dialect.describe(e), e);
        }
    }

    @Override
    public List<JournalRecord> read(RunId runId) {
        Objects.requireNonNull(runId, "runId");
        List<JournalRecord> records = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, at, type, step, data, crc FROM " + table
                     + " WHERE run_id = ? ORDER BY seq")) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(decode(runId, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot read run " + runId + " from journal table " + table + ": "
                    + Dialect.describe(e), e);
        }
        return List.copyOf(records);
    }

    private JournalRecord decode(RunId runId, long seq, String at, String type, String step, String data,
                                 String crc) {
        if (at == null || type == null || data == null || crc == null) {
            throw new JdbcJournalCorruptedException(table, runId, seq, "a required column is NULL");
        }
        String expected = crc(runId.value(), seq, at, type, step, data);
        if (!expected.equals(crc)) {
            throw new JdbcJournalCorruptedException(table, runId, seq, "checksum mismatch (stored " + crc
                    + ", computed " + expected + ")");
        }
        try {
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : JsonCodec.parse(data).entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw new JdbcJournalCorruptedException(table, runId, seq, "data value of '" + e.getKey()
                            + "' is not a string");
                }
                values.put(e.getKey(), s);
            }
            return new JournalRecord(runId, seq, Instant.parse(at), JournalRecord.Type.valueOf(type),
                    Optional.ofNullable(step), values);
        } catch (JsonCodec.MalformedJsonException e) {
            throw new JdbcJournalCorruptedException(table, runId, seq, "data is not a JSON object of strings: "
                    + e.getMessage());
        } catch (DateTimeParseException e) {
            throw new JdbcJournalCorruptedException(table, runId, seq, "'at' is not an instant");
        } catch (IllegalArgumentException e) {
            throw new JdbcJournalCorruptedException(table, runId, seq, "unknown record type '" + type + "'");
        }
    }

    /**
     * Names the row of a record that passed its checksum but cannot be replayed (an unknown step
     * kind or run status, a missing step name): a {@link JdbcJournalCorruptedException} with the
     * table, run and sequence.
     */
    @Override
    public JdbcJournalCorruptedException corrupted(JournalRecord record, String reason) {
        return new JdbcJournalCorruptedException(table, record.runId(), record.sequence(), reason);
    }

    @Override
    public List<RunId> runIds() {
        List<RunId> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT run_id FROM " + table)) {
            while (rs.next()) {
                ids.add(RunId.of(rs.getString(1)));
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot list runs of journal table " + table + ": " + Dialect.describe(e), e);
        }
        ids.sort(null); // Java order, whatever the database collation
        return List.copyOf(ids);
    }

    /** From the index table: an indexed query on the target's key. */
    @Override
    public List<RunId> runsOf(String target) {
        Objects.requireNonNull(target, "target");
        return index.runsOf(target).orElseGet(() -> Journal.super.runsOf(target));
    }

    /** From the index table: an indexed query on {@code open_run}. */
    @Override
    public List<RunId> unfinishedRuns() {
        return index.unfinished().orElseGet(Journal.super::unfinishedRuns);
    }

    /** The index table ({@code <table>_runs}). */
    String indexTable() {
        return index.table();
    }

    /**
     * The checksum of a row: CRC32C, as 8 lowercase hex digits, of the UTF-8 bytes of
     * <pre>{"runId":R,"seq":N,"at":A,"type":T,"step":S,"data":D}</pre>
     * where {@code N} is the decimal sequence, {@code S} is {@code null} for a NULL step, and
     * {@code R, A, T, S, D} are the column texts as stored, each quoted: {@code "} and {@code \}
     * escaped by a backslash, {@code \b \f \n \r \t} as such, other control characters, DEL,
     * U+2028, U+2029 and lone surrogates as a backslash, {@code u} and four lowercase hex digits,
     * everything else as it is. This framing is fixed here, byte for byte, and does not go
     * through the JSON codec: it is the form every row since the first release was checksummed
     * with, and a later codec that writes the data column differently changes nothing in it.
     */
    static String crc(String runId, long seq, String at, String type, String step, String data) {
        StringBuilder b = new StringBuilder(64 + data.length());
        b.append("{\"runId\":");
        quote(b, runId);
        b.append(",\"seq\":").append(seq).append(",\"at\":");
        quote(b, at);
        b.append(",\"type\":");
        quote(b, type);
        b.append(",\"step\":");
        if (step == null) {
            b.append("null");
        } else {
            quote(b, step);
        }
        b.append(",\"data\":");
        quote(b, data);
        byte[] bytes = b.append('}').toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return String.format("%08x", crc.getValue());
    }

    /** Appends {@code s} quoted as {@link #crc} defines; lone surrogates escaped, so the UTF-8 is exact. */
    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static void rollbackQuietly(Connection c, SQLException failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "JdbcJournal[" + table + "]";
    }
}
