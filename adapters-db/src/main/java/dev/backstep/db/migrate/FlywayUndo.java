package dev.backstep.db.migrate;

import dev.backstep.BackstepException;
import dev.backstep.StepContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Undoes versioned Flyway migrations with {@code U<version>__*.sql} down scripts. */
final class FlywayUndo {
    private static final Logger LOG = LoggerFactory.getLogger(FlywayUndo.class);
    private static final Pattern VERSIONED = Pattern.compile("([VU])([0-9][0-9._]*)__.*\\.sql");

    private FlywayUndo() {
    }

    /** Normalised version (Flyway's: {@code 1_1} = {@code 1.1}, {@code 1.0} = {@code 1}) → down script text. */
    static Map<String, String> downScripts(List<String> locations, ClassLoader loader) {
        return scripts(locations, loader, "U");
    }

    static Map<String, String> scripts(List<String> locations, ClassLoader loader, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : SqlScripts.scan(locations, loader).entrySet()) {
            Matcher m = VERSIONED.matcher(e.getKey());
            if (m.matches() && m.group(1).equals(prefix)) {
                out.put(normalize(m.group(2)), e.getValue());
            }
        }
        return out;
    }

    static String normalize(String version) {
        return MigrationVersion.fromVersion(version.replace('_', '.')).getVersion();
    }

    /** The compensation of "db.flyway" steps: reads only recorded values. */
    static void compensate(StepContext ctx) throws Exception {
        if (ctx.recorded("url").isEmpty() || ctx.recorded("versions").isEmpty()) {
            return; // crashed before anything was recorded: nothing was migrated
        }
        MigrationDatabases.Entry db = MigrationDatabases.find(ctx.recorded("url").get(), ctx.recorded("user").orElse(""));
        undo(db, locations(ctx.recorded("locations").orElse("")), ctx.recorded("table").orElse(Migrations.FLYWAY_TABLE),
                versions(ctx.recorded("versions").get()));
    }

    static List<String> locations(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\n"));
    }

    static List<String> versions(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    /**
     * Undoes, newest first, each of {@code versions} that the history table shows as applied: runs
     * its down script and deletes its history row in one transaction (atomic where the database
     * has transactional DDL: PostgreSQL, H2; MariaDB commits each DDL statement). A row of a failed
     * migration is deleted without running the down script. Versions not in the history are
     * skipped, so running this twice is harmless.
     */
    static void undo(MigrationDatabases.Entry db, List<String> locations, String table, List<String> versions)
            throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        Map<String, String> down = downScripts(locations, Migrations.class.getClassLoader());
        try (Connection c = db.open()) {
            String q = c.getMetaData().getIdentifierQuoteString().trim();
            String history = q + table + q;
            // applied rows, newest first
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1 FROM " + history + " WHERE 1 = 0").close();
            } catch (SQLException noHistory) {
                LOG.info("flyway history table {} does not exist: nothing to undo", table);
                return;
            }
            List<Object[]> rows = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + q + "installed_rank" + q + ", " + q + "version" + q + ", "
                         + q + "success" + q + " FROM " + history + " WHERE " + q + "version" + q
                         + " IS NOT NULL ORDER BY " + q + "installed_rank" + q + " DESC")) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getInt(1), normalize(rs.getString(2)), rs.getBoolean(3)});
                }
            }
            for (Object[] row : rows) {
                String version = (String) row[1];
                if (!versions.contains(version)) {
                    continue;
                }
                boolean success = (Boolean) row[2];
                String script = down.get(version);
                if (success && script == null) {
                    throw new BackstepException("cannot undo flyway migration " + version + ": no down script U" + version
                            + "__*.sql in " + locations);
                }
                c.setAutoCommit(false);
                try {
                    if (success) {
                        try (Statement s = c.createStatement()) {
                            for (String sql : SqlScripts.statements(script)) {
                                s.execute(sql);
                            }
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + history + " WHERE " + q + "installed_rank" + q + " = ?")) {
                        ps.setInt(1, (Integer) row[0]);
                        ps.executeUpdate();
                    }
                    c.commit();
                    LOG.info("undid flyway migration {}{}", version, success ? "" : " (failed; history row removed)");
                } catch (SQLException e) {
                    c.rollback();
                    throw new BackstepException("cannot undo flyway migration " + version + ": " + e.getMessage(), e);
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }
    }
}
