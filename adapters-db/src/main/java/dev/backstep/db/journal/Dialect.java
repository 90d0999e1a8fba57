package dev.backstep.db.journal;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The few places where PostgreSQL, MariaDB/MySQL and H2 differ for the journal and lock tables:
 * column types of long texts and the character set and collation of MariaDB tables. Everything
 * else (statements, the unique-violation SQL state class {@code 23}) is portable SQL.
 */
enum Dialect {
    /** PostgreSQL: {@code TEXT} columns, UTF-8 databases, byte-exact comparisons by default for equality. */
    POSTGRESQL("TEXT", ""),
    /**
     * MariaDB and MySQL: InnoDB (transactional, durable per {@code innodb_flush_log_at_trx_commit}),
     * {@code utf8mb4} with a binary collation so that keys compare exactly and every Unicode
     * character survives whatever the server's default character set is.
     */
    MYSQL("LONGTEXT", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
    /** H2 and anything else: standard SQL with {@code CLOB} for long texts. */
    STANDARD("CLOB", "");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    final String longText;
    final String tableOptions;

    Dialect(String longText, String tableOptions) {
        this.longText = longText;
        this.tableOptions = tableOptions;
    }

    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("mariadb") || product.contains("mysql")) {
            return MYSQL;
        }
        return STANDARD;
    }

    /** SQL state class 23: integrity constraint violation (a duplicate primary key on every supported database). */
    static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    static String checkTableName(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new PlanDefinitionException(null, null, "invalid table name '" + table
                    + "': use letters, digits and '_' (at most 63, not starting with a digit)");
        }
        return table;
    }

    /** The SQL error without values: state, vendor code and message. */
    static String describe(SQLException e) {
        return e.getMessage() + " (SQL state " + e.getSQLState() + ", code " + e.getErrorCode() + ")";
    }
}
