package dev.backstep.db.internal;

import dev.backstep.Secret;
import dev.backstep.db.DbEngine;
import dev.backstep.db.DbException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Engine-specific dump and restore. */
public final class Dumps {
    public static final Duration TIMEOUT = Duration.ofHours(2);

    private Dumps() {
    }

    /** The programs a snapshot or restore of {@code t} runs (checked by validation). */
    public static List<String> programs(Target t, boolean restore) {
        switch (t.engine()) {
            case POSTGRES:
                return restore ? List.of(t.program("pg_dump"), t.program("pg_restore"), t.program("psql"))
                        : List.of(t.program("pg_dump"));
            case MARIADB:
                return restore ? List.of(t.program("mariadb-dump"), t.program("mariadb"))
                        : List.of(t.program("mariadb-dump"));
            default:
                return List.of();
        }
    }

    /** Checks that a program runs ({@code --version}); read-only. */
    public static void checkProgram(CommandRunner commands, String program) {
        commands.run(CommandSpec.of(program, "--version").timeout(Duration.ofMinutes(1)));
    }

    private static CommandSpec withPassword(CommandSpec spec, Target t) {
        Optional<Secret> pw = t.resolvePassword();
        if (pw.isEmpty()) {
            return spec;
        }
        return spec.env(t.engine() == DbEngine.POSTGRES ? "PGPASSWORD" : "MYSQL_PWD", pw.get());
    }

    private static List<String> pgConn(Target t) {
        return List.of("--no-password", "--host=" + t.host(), "--port=" + t.port(), "--username=" + t.user());
    }

    private static List<String> myConn(Target t) {
        List<String> a = new ArrayList<>(List.of("--user=" + t.user(), "--host=" + t.host(), "--port=" + t.port(),
                "--protocol=TCP"));
        a.addAll(t.clientOptions());
        return a;
    }

    /** Writes a dump of {@code t} into {@code file} (which exists, empty, 0600). */
    public static void dump(String stepName, Target t, CommandRunner commands, Path file) {
        switch (t.engine()) {
            case POSTGRES: {
                List<String> argv = new ArrayList<>(List.of(t.program("pg_dump"), "--format=custom"));
                argv.addAll(pgConn(t));
                argv.add("--file=" + file);
                argv.add("--dbname=" + t.database());
                commands.run(withPassword(CommandSpec.of(argv).timeout(TIMEOUT), t));
                return;
            }
            case MARIADB: {
                List<String> argv = new ArrayList<>(List.of(t.program("mariadb-dump")));
                argv.addAll(myConn(t));
                argv.addAll(List.of("--single-transaction", "--routines", "--triggers", "--result-file=" + file,
                        "--", t.database()));
                commands.run(withPassword(CommandSpec.of(argv).timeout(TIMEOUT), t));
                return;
            }
            case SQLITE:
                jdbc(stepName, t, "backing up", "backup to " + literal(file));
                return;
            default:
                jdbc(stepName, t, "scripting", "SCRIPT TO " + literal(file));
        }
    }

    /** Replaces the contents of {@code t} by the dump {@code file} (checksum verified by the caller). */
    public static void restore(String stepName, Target t, CommandRunner commands, Path file) {
        restore(stepName, t, commands, file, 1);
    }

    /**
     * As {@link #restore(String, Target, CommandRunner, Path)}; a PostgreSQL custom-format dump
     * with {@code jobs > 1} is restored by {@code pg_restore --jobs} straight into the emptied
     * database (not in one transaction: a failure halfway leaves it partly restored).
     */
    public static void restore(String stepName, Target t, CommandRunner commands, Path file, int jobs) {
        switch (t.engine()) {
            case POSTGRES:
                restorePostgres(stepName, t, commands, file, jobs);
                return;
            case MARIADB:
                restoreMariadb(stepName, t, commands, file);
                return;
            case SQLITE:
                jdbc(stepName, t, "restoring", "restore from " + literal(file));
                return;
            default:
                jdbc(stepName, t, "restoring", "DROP ALL OBJECTS", "RUNSCRIPT FROM " + literal(file));
        }
    }

    private static String literal(Path file) {
        return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    private static void jdbc(String stepName, Target t, String doing, String... statements) {
        try (Connection c = Jdbc.connect(t, stepName); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, doing, e);
        }
    }

    /** True for pg_dump's custom format (magic {@code PGDMP}), false for a plain script. */
    private static boolean isArchive(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(5), "PGDMP".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * pg_restore turns the dump into a script (a plain dump is one already); psql runs, in one transaction, the removal of every
     * user schema and that script, so the database ends exactly as dumped or unchanged.
     */
    private static void restorePostgres(String stepName, Target t, CommandRunner commands, Path file, int jobs) {
        Path work = null;
        try {
            work = Files.createTempDirectory("backstep-pg-restore",
                    PosixFilePermissions.asFileAttribute(Snapshots.OWNER_DIR));
            Path script = file;
            if (jobs > 1 && isArchive(file)) {
                restorePostgresParallel(stepName, t, commands, file, jobs, work);
                return;
            }
            if (isArchive(file)) {
                script = work.resolve("restore.sql");
                commands.run(CommandSpec.of(t.program("pg_restore"), "--file=" + script, file.toString())
                        .timeout(TIMEOUT));
            } // else a plain pg_dump script (an adopted snapshot): psql runs it as it is
            StringBuilder pre = new StringBuilder();
            try (Connection c = Jdbc.connect(t, stepName); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
                         + " AND nspname <> 'information_schema' ORDER BY nspname")) {
                while (rs.next()) {
                    pre.append("DROP SCHEMA ").append(Jdbc.quote(DbEngine.POSTGRES, rs.getString(1)))
                            .append(" CASCADE;\n");
                }
            }
            if (!Files.readString(script, StandardCharsets.UTF_8).contains("\nCREATE SCHEMA public;")) {
                pre.append("CREATE SCHEMA public;\n");
            }
            Path preamble = Files.writeString(work.resolve("preamble.sql"), pre.toString());
            List<String> argv = new ArrayList<>(List.of(t.program("psql"), "-X", "--quiet",
                    "--set=ON_ERROR_STOP=1", "--single-transaction"));
            argv.addAll(pgConn(t));
            argv.addAll(List.of("--dbname=" + t.database(), "--file=" + preamble, "--file=" + script));
            commands.run(withPassword(CommandSpec.of(argv).timeout(TIMEOUT), t));
        } catch (IOException e) {
            throw new DbException(stepName, "cannot prepare the restore of " + t.id() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "listing schemas", e);
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Empties the database (every user schema dropped, {@code public} created again unless the
     * dump creates it) in one transaction, then has {@code pg_restore --jobs} load the dump in
     * parallel connections, stopping at the first error.
     */
    private static void restorePostgresParallel(String stepName, Target t, CommandRunner commands, Path file,
                                                int jobs, Path work) throws IOException {
        // the schema definitions only (no data, cheap): does the dump create "public" itself?
        Path preData = work.resolve("pre-data.sql");
        commands.run(CommandSpec.of(t.program("pg_restore"), "--section=pre-data", "--file=" + preData,
                file.toString()).timeout(TIMEOUT));
        boolean createsPublic = Files.readString(preData, StandardCharsets.UTF_8).contains("\nCREATE SCHEMA public;");
        try (Connection c = Jdbc.connect(t, stepName)) {
            c.setAutoCommit(false);
            List<String> schemas = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
                         + " AND nspname <> 'information_schema' ORDER BY nspname")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            try (Statement s = c.createStatement()) {
                for (String schema : schemas) {
                    s.execute("DROP SCHEMA " + Jdbc.quote(DbEngine.POSTGRES, schema) + " CASCADE");
                }
                if (!createsPublic) {
                    s.execute("CREATE SCHEMA public");
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "emptying the database before the restore", e);
        }
        List<String> argv = new ArrayList<>(List.of(t.program("pg_restore"), "--jobs=" + jobs, "--exit-on-error"));
        argv.addAll(pgConn(t));
        argv.addAll(List.of("--dbname=" + t.database(), file.toString()));
        commands.run(withPassword(CommandSpec.of(argv).timeout(TIMEOUT), t));
    }

    /**
     * Drops every table, view and routine of the database (foreign key checks off for the
     * session), then has the mariadb client run the dump. MariaDB cannot do this in one
     * transaction (DDL commits): a failure halfway leaves the database partly restored, which is
     * why a restore takes a safety snapshot first.
     */
    private static void restoreMariadb(String stepName, Target t, CommandRunner commands, Path file) {
        try (Connection c = Jdbc.connect(t, stepName); Statement s = c.createStatement()) {
            s.execute("SET FOREIGN_KEY_CHECKS = 0");
            List<String> drops = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    drops.add(("VIEW".equals(rs.getString(2)) ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ")
                            + Jdbc.quote(DbEngine.MARIADB, rs.getString(1)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
                    + " WHERE ROUTINE_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    drops.add("DROP " + ("FUNCTION".equals(rs.getString(2)) ? "FUNCTION" : "PROCEDURE")
                            + " IF EXISTS " + Jdbc.quote(DbEngine.MARIADB, rs.getString(1)));
                }
            }
            for (String d : drops) {
                s.execute(d);
            }
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "emptying the database before the restore", e);
        }
        List<String> argv = new ArrayList<>(List.of(t.program("mariadb")));
        argv.addAll(myConn(t));
        argv.addAll(List.of("--database=" + t.database(), "--batch", "--execute=source " + file.toAbsolutePath()));
        commands.run(withPassword(CommandSpec.of(argv).timeout(TIMEOUT), t));
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary script left behind in a 0700 temp dir is harmless
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
