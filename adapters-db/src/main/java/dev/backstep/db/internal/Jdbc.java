package dev.backstep.db.internal;

import dev.backstep.Fingerprint;
import dev.backstep.Secret;
import dev.backstep.db.DbEngine;
import dev.backstep.db.DbException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/** JDBC plumbing: connections, identifier quoting, table listing, fingerprints, FK checks. */
public final class Jdbc {

    /** A table: schema (or catalog) and name as the database spells them. */
    public record Table(String schema, String name) {
        public String display() {
            return schema == null ? name : schema + "." + name;
        }
    }

    /** A foreign key: child columns referencing parent columns. */
    public record ForeignKey(String name, Table child, List<String> childColumns, Table parent,
                             List<String> parentColumns) {
    }

    private Jdbc() {
    }

    public static Connection connect(Target t, String stepName) {
        Properties p = new Properties();
        if (t.user() != null) {
            p.setProperty("user", t.user());
        }
        Optional<Secret> pw = t.resolvePassword();
        pw.ifPresent(s -> p.setProperty("password", s.reveal()));
        try {
            return DriverManager.getConnection(t.url(), p);
        } catch (SQLException e) {
            String msg = mask(e.getMessage(), t);
            if (msg != null && msg.toLowerCase(Locale.ROOT).contains("no suitable driver")) {
                throw new DbException(stepName, "no JDBC driver for " + t.engine().id() + " on the class path ("
                        + driverHint(t.engine()) + ")");
            }
            String hint = pw.isEmpty() && t.isServer()
                    ? " (no password known for " + t.id() + ": register it with Db.credentials()"
                    + (t.passwordEnv() == null ? "" : " or set " + t.passwordEnv()) + ")"
                    : "";
            throw new DbException(stepName, "cannot connect to " + t.id() + ": " + msg + hint);
        }
    }

    private static String driverHint(DbEngine e) {
        switch (e) {
            case POSTGRES:
                return "add org.postgresql:postgresql";
            case MARIADB:
                return "add org.mariadb.jdbc:mariadb-java-client";
            case SQLITE:
                return "add org.xerial:sqlite-jdbc";
            default:
                return "add com.h2database:h2";
        }
    }

    /** The message with the target's password (if any) replaced by the mask. */
    public static String mask(String message, Target t) {
        if (message == null) {
            return null;
        }
        Optional<Secret> pw = t.resolvePassword();
        if (pw.isPresent() && !pw.get().reveal().isEmpty()) {
            return message.replace(pw.get().reveal(), Secret.MASK);
        }
        return message;
    }

    public static DbException failure(String stepName, Target t, String doing, SQLException e) {
        DbException d = new DbException(stepName, doing + " on " + t.id() + " failed: "
                + e.getClass().getSimpleName() + " (" + mask(e.getMessage(), t) + ")");
        return d;
    }

    public static String quote(DbEngine engine, String identifier) {
        if (engine == DbEngine.MARIADB) {
            return "`" + identifier.replace("`", "``") + "`";
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public static String quote(DbEngine engine, Table t) {
        if (t.schema() == null || engine == DbEngine.SQLITE) {
            return quote(engine, t.name());
        }
        return quote(engine, t.schema()) + "." + quote(engine, t.name());
    }

    /** The user tables of the database, sorted. */
    public static List<Table> tables(Connection c, DbEngine engine) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<Table> out = new ArrayList<>();
        String catalog = engine == DbEngine.MARIADB ? c.getCatalog() : null;
        try (ResultSet rs = md.getTables(catalog, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String schema = engine == DbEngine.MARIADB ? rs.getString("TABLE_CAT") : rs.getString("TABLE_SCHEM");
                String name = rs.getString("TABLE_NAME");
                if (isSystem(engine, schema, name)) {
                    continue;
                }
                out.add(new Table(engine == DbEngine.SQLITE ? null : schema, name));
            }
        }
        out.sort((a, b) -> a.display().compareTo(b.display()));
        return out;
    }

    private static boolean isSystem(DbEngine engine, String schema, String name) {
        String s = schema == null ? "" : schema.toLowerCase(Locale.ROOT);
        switch (engine) {
            case POSTGRES:
                return s.startsWith("pg_") || s.equals("information_schema");
            case SQLITE:
                return name.startsWith("sqlite_");
            case H2:
                return s.equals("information_schema");
            default:
                return false;
        }
    }

    /** The table called {@code name} (case-insensitively, optionally {@code schema.name}). */
    public static Optional<Table> findTable(Connection c, DbEngine engine, String name) throws SQLException {
        List<Table> all = tables(c, engine);
        for (Table t : all) {
            if (t.name().equals(name) || t.display().equals(name)) {
                return Optional.of(t);
            }
        }
        Table found = null;
        for (Table t : all) {
            if (t.name().equalsIgnoreCase(name) || t.display().equalsIgnoreCase(name)) {
                if (found != null && engine == DbEngine.POSTGRES && "public".equals(t.schema())) {
                    found = t;
                } else if (found == null) {
                    found = t;
                }
            }
        }
        return Optional.ofNullable(found);
    }

    public static long rowCount(Connection c, DbEngine engine, Table t) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quote(engine, t))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> primaryKey(DatabaseMetaData md, DbEngine engine, Table t) throws SQLException {
        TreeMap<Integer, String> cols = new TreeMap<>();
        String cat = engine == DbEngine.MARIADB ? t.schema() : null;
        String schema = engine == DbEngine.MARIADB ? null : t.schema();
        try (ResultSet rs = md.getPrimaryKeys(cat, schema, t.name())) {
            while (rs.next()) {
                cols.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return new ArrayList<>(cols.values());
    }

    private static List<String[]> columns(DatabaseMetaData md, DbEngine engine, Table t) throws SQLException {
        List<String[]> out = new ArrayList<>();
        String cat = engine == DbEngine.MARIADB ? t.schema() : null;
        String schema = engine == DbEngine.MARIADB ? null : t.schema();
        try (ResultSet rs = md.getColumns(cat, schema, t.name(), "%")) {
            while (rs.next()) {
                out.add(new String[] {rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"),
                        String.valueOf(rs.getInt("ORDINAL_POSITION"))});
            }
        }
        out.sort((a, b) -> Integer.compare(Integer.parseInt(a[2]), Integer.parseInt(b[2])));
        return out;
    }

    /**
     * One fingerprint for the database (its table list) and one per table: columns, row count and
     * a sha256 over every row, read in primary-key order (all columns when there is none).
     */
    public static List<Fingerprint> fingerprint(Target target, String stepName) {
        try (Connection c = connect(target, stepName)) {
            c.setReadOnly(target.engine() != DbEngine.SQLITE);
            DbEngine engine = target.engine();
            DatabaseMetaData md = c.getMetaData();
            List<Table> tables = tables(c, engine);
            List<Fingerprint> out = new ArrayList<>();
            List<String> names = new ArrayList<>();
            tables.forEach(t -> names.add(t.display()));
            out.add(Fingerprint.of("db:" + target.id(), "tables", String.join(",", names)));
            for (Table t : tables) {
                List<String[]> cols = columns(md, engine, t);
                List<String> order = primaryKey(md, engine, t);
                if (order.isEmpty()) {
                    cols.forEach(col -> order.add(col[0]));
                }
                StringBuilder colText = new StringBuilder();
                for (String[] col : cols) {
                    colText.append(colText.length() == 0 ? "" : ",").append(col[0]).append(':').append(col[1]);
                }
                StringBuilder sql = new StringBuilder("SELECT * FROM ").append(quote(engine, t));
                for (int i = 0; i < order.size(); i++) {
                    sql.append(i == 0 ? " ORDER BY " : ", ").append(quote(engine, order.get(i)));
                }
                MessageDigest sha = sha256();
                long rows = 0;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
                    ResultSetMetaData rmd = rs.getMetaData();
                    int n = rmd.getColumnCount();
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= n; i++) {
                            String v = rs.getString(i);
                            sha.update(v == null ? new byte[] {0} : ("v" + v.length() + ":" + v)
                                    .getBytes(StandardCharsets.UTF_8));
                            sha.update((byte) 31);
                        }
                        sha.update((byte) 30);
                    }
                }
                Map<String, String> facts = new LinkedHashMap<>();
                facts.put("columns", colText.toString());
                facts.put("rows", String.valueOf(rows));
                facts.put("sha256", HexFormat.of().formatHex(sha.digest()));
                out.add(new Fingerprint("db:" + target.id() + "/" + t.display(), facts));
            }
            return out;
        } catch (SQLException e) {
            throw failure(stepName, target, "describing the tables", e);
        }
    }

    /** The foreign keys of every user table. */
    public static List<ForeignKey> foreignKeys(Connection c, DbEngine engine) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<ForeignKey> out = new ArrayList<>();
        for (Table t : tables(c, engine)) {
            String cat = engine == DbEngine.MARIADB ? t.schema() : null;
            String schema = engine == DbEngine.MARIADB ? null : t.schema();
            Map<String, TreeMap<Integer, String[]>> byName = new LinkedHashMap<>();
            Map<String, Table> parents = new LinkedHashMap<>();
            try (ResultSet rs = md.getImportedKeys(cat, schema, t.name())) {
                while (rs.next()) {
                    String name = rs.getString("FK_NAME");
                    String pSchema = engine == DbEngine.MARIADB ? rs.getString("PKTABLE_CAT")
                            : rs.getString("PKTABLE_SCHEM");
                    String key = name == null ? rs.getString("PKTABLE_NAME") + "#" + rs.getString("FKCOLUMN_NAME") : name;
                    parents.put(key, new Table(engine == DbEngine.SQLITE ? null : pSchema, rs.getString("PKTABLE_NAME")));
                    byName.computeIfAbsent(key, k -> new TreeMap<>()).put(rs.getInt("KEY_SEQ"),
                            new String[] {rs.getString("FKCOLUMN_NAME"), rs.getString("PKCOLUMN_NAME")});
                }
            }
            for (Map.Entry<String, TreeMap<Integer, String[]>> e : byName.entrySet()) {
                List<String> childCols = new ArrayList<>();
                List<String> parentCols = new ArrayList<>();
                e.getValue().values().forEach(p -> {
                    childCols.add(p[0]);
                    parentCols.add(p[1]);
                });
                out.add(new ForeignKey(e.getKey(), t, childCols, parents.get(e.getKey()), parentCols));
            }
        }
        return out;
    }

    /** Rows of the child whose (non-null) key matches no parent row. */
    public static long orphans(Connection c, DbEngine engine, ForeignKey fk) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ").append(quote(engine, fk.child())).append(" c WHERE ");
        for (String col : fk.childColumns()) {
            sql.append("c.").append(quote(engine, col)).append(" IS NOT NULL AND ");
        }
        sql.append("NOT EXISTS (SELECT 1 FROM ").append(quote(engine, fk.parent())).append(" p WHERE ");
        for (int i = 0; i < fk.childColumns().size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append("p.").append(quote(engine, fk.parentColumns().get(i)))
                    .append(" = c.").append(quote(engine, fk.childColumns().get(i)));
        }
        sql.append(')');
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
