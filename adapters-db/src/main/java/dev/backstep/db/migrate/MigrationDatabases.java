package dev.backstep.db.migrate;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.Secret;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The databases this process can reach, by JDBC URL and user: a migration step records only the
 * URL (passwords removed) and the user, and its compensation, which may run in another process,
 * finds the connection here. A step registers its own database when it runs; a process that
 * rolls back or recovers runs later registers them with {@link Migrations#register}.
 */
final class MigrationDatabases {
    private static final Map<String, Entry> BY_KEY = new ConcurrentHashMap<>();
    private static final Pattern PASSWORD_PARAM =
            Pattern.compile("(?i)([?&;](?:password|pwd|pass)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@?;]*?):[^/@?;]*@");

    private MigrationDatabases() {
    }

    /** A way to connect: a data source, or a URL, user and password. */
    record Entry(String url, String user, DataSource dataSource, Secret password) {
        Connection open() throws SQLException {
            if (dataSource != null) {
                return dataSource.getConnection();
            }
            return DriverManager.getConnection(url, user, password.reveal());
        }
    }

    /** The URL without passwords (query parameters {@code password}, {@code pwd}, {@code pass}, user info). */
    static String safeUrl(String url) {
        String s = PASSWORD_PARAM.matcher(url).replaceAll("$1" + Secret.MASK);
        return USER_INFO.matcher(s).replaceAll("$1:" + Secret.MASK + "@");
    }

    static Entry of(DataSource ds) {
        PlanDefinitionException.requireNonNull(ds, null, "the data source");
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            return new Entry(safeUrl(md.getURL()), String.valueOf(md.getUserName()), ds, null);
        } catch (SQLException e) {
            throw new BackstepException("cannot connect to the database: " + e.getMessage(), e);
        }
    }

    static Entry of(String url, String user, Secret password) {
        PlanDefinitionException.requireNonNull(url, null, "the JDBC URL");
        PlanDefinitionException.requireNonNull(user, null, "the user");
        PlanDefinitionException.requireNonNull(password, null, "the password");
        if (!url.startsWith("jdbc:")) {
            throw new PlanDefinitionException(null, null, "not a JDBC URL: '" + safeUrl(url) + "'");
        }
        return new Entry(safeUrl(url), user, null, password);
    }

    static void register(Entry e) {
        BY_KEY.put(key(e.url(), e.user()), e);
    }

    static Entry find(String url, String user) {
        Entry e = BY_KEY.get(key(url, user));
        if (e == null) {
            throw new BackstepException("database " + url + " (user " + user + ") is not registered in this process:"
                    + " call Migrations.register(...) with it before rolling back or recovering");
        }
        return e;
    }

    private static String key(String url, String user) {
        return url + "\u0000" + user;
    }

    /** Whether the database is a server reached over the network (not loopback); false when that cannot be told. */
    static boolean remote(java.util.function.Supplier<Entry> database) {
        try {
            return dev.backstep.db.internal.Hostnames.isRemoteJdbcUrl(database.get().url());
        } catch (RuntimeException cannotTell) {
            return false; // host-local is the safe answer
        }
    }
}
