package dev.backstep.db.internal;

import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.db.DbEngine;
import dev.backstep.db.DbException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL snapshots as template clones: {@code CREATE DATABASE <snap> TEMPLATE <db> OWNER
 * <owner>}, restored by swapping names ({@code <db> -> <old>}, {@code <snap> -> <db>}, drop
 * {@code <old>}).
 *
 * <p>Every name is decided and journaled by the forward action before anything is created, and the
 * snapshot's oid (which a rename keeps) right after: a compensation records nothing, so a
 * restore interrupted anywhere is recognised from the catalog alone and finished by the next one
 * (the snapshot under its own name and {@code <db>} present: not started; {@code <db>} missing and
 * {@code <old>} present: between the renames; the snapshot's oid under {@code <db>}: swapped, only
 * {@code <old>} may be left to drop). A snapshot oid found under no name is a snapshot dropped
 * behind Backstep's back, refused before anything changes.
 */
public final class TemplateClones {
    /** Comment prefix marking a database as a Backstep template snapshot (retention drops only these). */
    static final String MARK = "backstep template snapshot of ";
    private static final int MAX_IDENTIFIER = 63;
    private static final long OTHER_SESSIONS_WAIT_MS = 5_000;

    private TemplateClones() {
    }

    /** The names a step uses: snapshot and the name the live database takes during a swap. */
    public record Names(String snapshot, String old) {
    }

    /** Derived from the run id and step name, so a retry or another process finds the same ones. */
    public static Names names(String database, String runId, String stepName) {
        byte[] h = Jdbc.sha256().digest((runId + "\n" + stepName).getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(h).substring(0, 16);
        String base = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        int room = MAX_IDENTIFIER - "_bs_".length() - hash.length() - "_old".length();
        if (base.length() > room) {
            base = base.substring(0, room);
        }
        String snap = base + "_bs_" + hash;
        return new Names(snap, snap + "_old");
    }

    /** The server's maintenance database: {@code postgres}, or {@code template1} when the target is {@code postgres}. */
    public static Target maintenance(Target t) {
        String maint = "postgres".equals(t.database()) ? "template1" : "postgres";
        Secret pw = t.resolvePassword().orElse(null);
        return new Target(t.engine(), t.host(), t.port(), maint, t.user(), null,
                "jdbc:postgresql://" + t.host() + ":" + t.port() + "/" + maint, t.binDir(), t.clientOptions(), pw);
    }

    private static String q(String identifier) {
        return Jdbc.quote(DbEngine.POSTGRES, identifier);
    }

    // ------------------------------------------------------------------ facts read from the catalog

    /** Facts about one database, or null when it does not exist. */
    record Db(long oid, String name, String owner, long size) {
    }

    static Db byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.oid, d.datname, pg_get_userbyid(d.datdba),"
                + " pg_database_size(d.oid) FROM pg_database d WHERE d.datname = ?")) {
            ps.setString(1, name);
            return one(ps);
        }
    }

    static Db byOid(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.oid, d.datname, pg_get_userbyid(d.datdba),"
                + " pg_database_size(d.oid) FROM pg_database d WHERE d.oid = ?")) {
            ps.setLong(1, oid);
            return one(ps);
        }
    }

    private static Db one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Db(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)) : null;
        }
    }

    /** The first column of every row {@code sql} returns with {@code params} bound, in order. */
    private static <T> List<T> column(Connection c, Class<T> type, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<T> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getObject(1, type));
                }
            }
            return values;
        }
    }

    /** The one value {@code sql} returns with {@code params} bound; an {@link SQLException} when no row. */
    private static <T> T value(Connection c, Class<T> type, String sql, Object... params) throws SQLException {
        List<T> values = column(c, type, sql, params);
        if (values.isEmpty()) {
            throw new SQLException("no row from " + sql);
        }
        return values.get(0);
    }

    /** Sessions on {@code database} other than this one, waiting up to 5 s for closing ones to go. */
    static List<Integer> otherSessions(Connection c, String database) throws SQLException {
        long deadline = System.nanoTime() + OTHER_SESSIONS_WAIT_MS * 1_000_000;
        while (true) {
            // autovacuum workers are not counted: CREATE DATABASE and RENAME stop them themselves
            List<Integer> pids = column(c, Integer.class, "SELECT pid FROM pg_stat_activity WHERE datname = ?"
                    + " AND pid <> pg_backend_pid() AND backend_type IS DISTINCT FROM 'autovacuum worker'"
                    + " ORDER BY pid", database);
            if (pids.isEmpty() || System.nanoTime() > deadline) {
                return pids;
            }
            try {
                Thread.sleep(100); // a client that just closed its connection: its backend is exiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pids;
            }
        }
    }

    /** What the connected user may do: null when enough, else what is missing. */
    static String missingPrivilege(Connection c, String owner, String doing) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rolsuper, rolcreatedb, current_user,"
                + " pg_has_role(current_user, ?, 'MEMBER') AND pg_has_role(current_user, ?, 'USAGE')"
                + " FROM pg_roles WHERE rolname = current_user")) {
            ps.setString(1, owner);
            ps.setString(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "the current role is not in pg_roles";
                }
                boolean superuser = rs.getBoolean(1);
                String user = rs.getString(3);
                if (superuser) {
                    return null;
                }
                if (!rs.getBoolean(2)) {
                    return "role " + user + " lacks CREATEDB, which " + doing + " needs"
                            + " (ALTER ROLE " + user + " CREATEDB, or use a dump snapshot)";
                }
                if (!rs.getBoolean(4)) {
                    return "role " + user + " is not a member of " + owner + ", the owner of the database, which "
                            + doing + " needs to keep the same owner (GRANT " + owner + " TO " + user + ")";
                }
                return null;
            }
        }
    }

    /** The roles of other sessions on {@code database} this role may not terminate. */
    static List<String> unterminable(Connection c, String database) throws SQLException {
        return column(c, String.class, "SELECT DISTINCT a.usename FROM pg_stat_activity a"
                + " JOIN pg_roles r ON r.oid = a.usesysid, pg_roles me WHERE me.rolname = current_user"
                + " AND a.datname = ? AND a.pid <> pg_backend_pid()"
                + " AND a.backend_type IS DISTINCT FROM 'autovacuum worker'"
                + " AND NOT me.rolsuper AND (r.rolsuper OR NOT (pg_has_role(current_user, a.usesysid, 'MEMBER')"
                + " OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER'))) ORDER BY 1", database);
    }

    private static String sessions(String database, List<Integer> pids) {
        return pids.size() + " other session(s) are connected to database " + database + " (pids " + pids + ")";
    }

    // ------------------------------------------------------------------ taking the snapshot

    /** Read-only checks of a template snapshot of {@code t}: problems, or an empty list. */
    public static List<String> checkSnapshot(Target t, String stepName, boolean terminate, long keepFree) {
        List<String> problems = new ArrayList<>();
        try (Connection c = Jdbc.connect(maintenance(t), stepName)) {
            String version = value(c, String.class, "SHOW server_version_num");
            if (Integer.parseInt(version) < 130000) {
                problems.add("template snapshots need PostgreSQL 13 or later (DROP DATABASE ... WITH (FORCE)),"
                        + " the server is " + version);
            }
            Db source = byName(c, t.database());
            if (source == null) {
                problems.add("database " + t.database() + " does not exist");
                return problems;
            }
            String p = missingPrivilege(c, source.owner(), "a template snapshot");
            if (p != null) {
                problems.add(p);
            }
            String settings = settingsProblem(c, source);
            if (settings != null) {
                problems.add(settings);
            }
            if (!terminate) {
                List<Integer> others = otherSessions(c, t.database());
                if (!others.isEmpty()) {
                    problems.add(sessions(t.database(), others) + ": CREATE DATABASE ... TEMPLATE needs it to"
                            + " itself; stop them first or allow terminateConnections()");
                }
            } else {
                List<String> untouchable = unterminable(c, t.database());
                if (!untouchable.isEmpty()) {
                    problems.add("terminateConnections() cannot end the sessions of " + untouchable + " on database "
                            + t.database() + ": terminating needs superuser for a superuser's session, else"
                            + " membership in pg_signal_backend or in the session's role");
                }
            }
            String space = spaceProblem(c, t, source, keepFree);
            if (space != null) {
                problems.add(space);
            }
        } catch (SQLException e) {
            problems.add(Jdbc.failure(null, t, "checking a template snapshot", e).getMessage());
        }
        return problems;
    }

    /**
     * Whether the server's data directory has room for a copy of {@code source} plus
     * {@code keepFree}: measurable only when the server runs on this host and lets this role read
     * {@code data_directory}; null when there is room or when it cannot be measured.
     */
    static String spaceProblem(Connection c, Target t, Db source, long keepFree) {
        Optional<Long> free = freeSpace(c, t);
        if (free.isEmpty()) {
            return null;
        }
        if (free.get() - source.size() < keepFree) {
            return "not enough free space for a copy of database " + t.database() + " (" + source.size()
                    + " bytes): the server's data directory has " + free.get() + " bytes free"
                    + (keepFree > 0 ? " and " + keepFree + " must stay free" : "");
        }
        return null;
    }

    /** Free bytes of the data directory's file system, when the server is local and says where it is. */
    static Optional<Long> freeSpace(Connection c, Target t) {
        if (t.host() == null || !Hostnames.isLoopback(t.host())) {
            return Optional.empty(); // another host's disk: PostgreSQL has no SQL function for free space
        }
        try {
            Path dir = Path.of(value(c, String.class, "SELECT current_setting('data_directory')"));
            return Optional.of(Files.getFileStore(dir).getUsableSpace());
        } catch (SQLException | IOException | RuntimeException e) {
            return Optional.empty(); // not superuser / pg_read_all_settings, or not visible from here
        }
    }

    /** Whether free space could be measured, for the step's summary. */
    public static String spaceNote(Target t, String stepName) {
        try (Connection c = Jdbc.connect(maintenance(t), stepName)) {
            return freeSpace(c, t).map(f -> f + " bytes free").orElse("free space not measurable");
        } catch (SQLException e) {
            return "free space not measurable";
        }
    }

    /**
     * Creates the snapshot {@code names.snapshot} (already journaled) as a copy of {@code t} with the
     * same owner, marks it with a comment, and returns it. A snapshot of that oid made by an earlier
     * attempt is kept as it is (it shows the state before the step); one of that name without a
     * recorded oid (a crash before the oid was journaled) is dropped and made again.
     */
    public static long create(String stepName, Target t, Names names, Long recordedOid, boolean terminate,
                              long keepFree, Instant now, String runId) {
        Target m = maintenance(t);
        try (Connection c = Jdbc.connect(m, stepName); Statement s = c.createStatement()) {
            if (recordedOid != null) {
                Db earlier = byOid(c, recordedOid);
                if (earlier != null && earlier.name().equals(names.snapshot())) {
                    return recordedOid;
                }
                // the journal keeps the first attempt's oid: a new copy would not be the one it names
                throw new DbException(stepName, "template snapshot " + names.snapshot() + " taken by an earlier"
                        + " attempt of this step no longer exists under its name (dropped or renamed outside"
                        + " Backstep); the step cannot take it again");
            }
            Db source = byName(c, t.database());
            if (source == null) {
                throw new DbException(stepName, "database " + t.database() + " does not exist");
            }
            String p = missingPrivilege(c, source.owner(), "a template snapshot");
            if (p != null) {
                throw new DbException(stepName, p);
            }
            String space = spaceProblem(c, t, source, keepFree);
            if (space != null) {
                throw new DbException(stepName, space);
            }
            Db stale = byName(c, names.snapshot());
            if (stale != null) {
                s.execute("DROP DATABASE " + q(names.snapshot()));
            }
            String settings = settingsProblem(c, source);
            if (settings != null) {
                throw new DbException(stepName, settings);
            }
            String create = "CREATE DATABASE " + q(names.snapshot()) + " TEMPLATE " + q(t.database()) + " OWNER "
                    + q(source.owner()) + connectionLimit(c, source);
            SQLException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                List<Integer> others = otherSessions(c, t.database());
                if (!others.isEmpty()) {
                    if (!terminate) {
                        throw new DbException(stepName, sessions(t.database(), others) + ": CREATE DATABASE ..."
                                + " TEMPLATE needs it to itself; stop them first or allow terminateConnections()");
                    }
                    terminate(c, t.database());
                }
                try {
                    s.execute(create);
                    last = null;
                    break;
                } catch (SQLException e) {
                    last = e; // "source database is being accessed by other users": a client came back
                    if (!terminate || !"55006".equals(e.getSQLState())) {
                        break;
                    }
                }
            }
            if (last != null) {
                throw Jdbc.failure(stepName, t, "creating template snapshot " + names.snapshot(), last);
            }
            copyPrivileges(c, s, source, names.snapshot());
            s.execute("COMMENT ON DATABASE " + q(names.snapshot()) + " IS "
                    + literal(MARK + t.database() + " at " + now + " by run " + runId));
            return byName(c, names.snapshot()).oid();
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "creating template snapshot " + names.snapshot(), e);
        }
    }

    /**
     * {@code ALTER DATABASE ... SET} settings belong to the database, not to its contents: a copy
     * swapped in would silently lose them, so a database with any is refused.
     */
    static String settingsProblem(Connection c, Db source) throws SQLException {
        if (value(c, Long.class, "SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = ?", source.oid()) == 0) {
            return null;
        }
        return "database " + source.name() + " has settings of its own (ALTER DATABASE ... SET, see"
                + " pg_db_role_setting), which a template copy does not carry and a swap would lose;"
                + " use a dump snapshot, or move them to the roles (ALTER ROLE ... IN DATABASE is kept neither)";
    }

    /** The source's connection limit, which CREATE DATABASE does not copy from the template. */
    private static String connectionLimit(Connection c, Db source) throws SQLException {
        int limit = value(c, Integer.class, "SELECT datconnlimit FROM pg_database WHERE oid = ?", source.oid());
        return limit == -1 ? "" : " CONNECTION LIMIT " + limit;
    }

    /**
     * Gives the copy the source's database privileges ({@code GRANT CONNECT ... ON DATABASE}),
     * which CREATE DATABASE does not copy: after a swap, roles connect as before.
     */
    private static void copyPrivileges(Connection c, Statement s, Db source, String copy) throws SQLException {
        List<String> grants = new ArrayList<>();
        if (!value(c, Boolean.class, "SELECT datacl IS NOT NULL FROM pg_database WHERE oid = ?", source.oid())) {
            return; // the defaults, which the copy has too
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN a.grantee = 0 THEN NULL"
                + " ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable"
                + " FROM pg_database d, aclexplode(d.datacl) a WHERE d.oid = ? AND a.grantee <> d.datdba")) {
            ps.setLong(1, source.oid());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String grantee = rs.getString(1) == null ? "PUBLIC" : q(rs.getString(1));
                    grants.add("GRANT " + privilege(rs.getString(2)) + " ON DATABASE " + q(copy) + " TO " + grantee
                            + (rs.getBoolean(3) ? " WITH GRANT OPTION" : ""));
                }
            }
        }
        s.execute("REVOKE ALL ON DATABASE " + q(copy) + " FROM PUBLIC");
        for (String g : grants) {
            s.execute(g);
        }
    }

    private static String privilege(String p) {
        switch (p) {
            case "CONNECT":
            case "CREATE":
            case "TEMPORARY":
                return p;
            default:
                throw new IllegalStateException("unexpected database privilege " + p);
        }
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static void terminate(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, database);
            ps.executeQuery().close();
        }
    }

    /**
     * Keeps the {@code keep} newest Backstep template snapshots of {@code t} (the comment marks
     * them; no other database is ever dropped) and drops the others; a snapshot someone is
     * connected to is left for the next prune. Returns the names dropped.
     */
    public static List<String> prune(String stepName, Target t, int keep, String protect) {
        List<String> dropped = new ArrayList<>();
        try (Connection c = Jdbc.connect(maintenance(t), stepName); Statement s = c.createStatement()) {
            Map<String, String> marked = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT d.datname, shobj_description(d.oid, 'pg_database')"
                    + " FROM pg_database d WHERE shobj_description(d.oid, 'pg_database') LIKE ?"
                    + " ORDER BY d.oid DESC")) {
                ps.setString(1, MARK.replace("_", "\\_") + t.database().replace("_", "\\_").replace("%", "\\%")
                        + " at %");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        marked.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            List<Map.Entry<String, String>> newestFirst = new ArrayList<>(marked.entrySet());
            newestFirst.sort((a, b) -> takenAt(b.getValue()).compareTo(takenAt(a.getValue())));
            int kept = 0;
            for (Map.Entry<String, String> e : newestFirst) {
                if (e.getKey().equals(t.database())) {
                    continue; // a swapped-in snapshot whose mark was not cleared yet: the live database
                }
                if (e.getKey().equals(protect) || kept < keep) {
                    kept++;
                    continue;
                }
                if (!otherSessions(c, e.getKey()).isEmpty()) {
                    continue;
                }
                s.execute("DROP DATABASE IF EXISTS " + q(e.getKey()));
                dropped.add(e.getKey());
            }
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "dropping old template snapshots", e);
        }
        return dropped;
    }

    private static Instant takenAt(String comment) {
        int at = comment.lastIndexOf(" at ");
        int by = comment.lastIndexOf(" by run ");
        try {
            return at < 0 || by < at ? Instant.EPOCH : Instant.parse(comment.substring(at + 4, by));
        } catch (RuntimeException e) {
            return Instant.EPOCH; // an unreadable mark counts as oldest
        }
    }

    // ------------------------------------------------------------------ restoring (the swap)

    /** Where a swap stands, read from the catalog. */
    enum State { NOT_STARTED, BETWEEN_RENAMES, SWAPPED }

    /**
     * Checks, before anything changes, that the recorded snapshot can replace {@code t}: it still
     * exists (by oid), has the recorded owner, the live database has it too, the role may rename
     * both, and nobody else is connected (unless {@code terminate}). Throws a {@link DbException}
     * naming what is wrong.
     */
    public static void precheck(String stepName, Target t, Names names, long oid, String owner, boolean terminate) {
        try (Connection c = Jdbc.connect(maintenance(t), stepName)) {
            state(c, stepName, t, names, oid, owner, terminate);
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "checking template snapshot " + names.snapshot(), e);
        }
    }

    private static State state(Connection c, String stepName, Target t, Names names, long oid, String owner,
                               boolean terminate) throws SQLException {
        Db snap = byOid(c, oid);
        Db live = byName(c, t.database());
        Db old = byName(c, names.old());
        if (snap == null) {
            throw new DbException(stepName, "template snapshot " + names.snapshot() + " of " + t.database()
                    + " no longer exists (dropped outside Backstep): the database cannot be restored from it;"
                    + " nothing was changed");
        }
        if (snap.name().equals(t.database())) {
            return State.SWAPPED; // only <old> may be left to drop
        }
        if (!snap.name().equals(names.snapshot())) {
            throw new DbException(stepName, "template snapshot " + names.snapshot() + " of " + t.database()
                    + " was renamed to " + snap.name() + " outside Backstep; nothing was changed");
        }
        if (!snap.owner().equals(owner)) {
            throw new DbException(stepName, "template snapshot " + names.snapshot() + " is owned by " + snap.owner()
                    + ", not by " + owner + " who owned " + t.database() + " when it was taken; nothing was changed");
        }
        if (live != null && !live.owner().equals(owner)) {
            throw new DbException(stepName, "database " + t.database() + " is now owned by " + live.owner()
                    + ", its snapshot " + names.snapshot() + " by " + owner + ": the swap would change the owner;"
                    + " nothing was changed");
        }
        String p = missingPrivilege(c, owner, "restoring a template snapshot (renaming databases)");
        if (p != null) {
            throw new DbException(stepName, p + "; nothing was changed");
        }
        List<Integer> onSnap = otherSessions(c, names.snapshot());
        if (!onSnap.isEmpty() && !terminate) {
            throw new DbException(stepName, sessions(names.snapshot(), onSnap) + ": the swap needs it to itself;"
                    + " nothing was changed");
        }
        if (live == null) {
            return State.BETWEEN_RENAMES; // the first rename happened (or the database was dropped)
        }
        List<Integer> onLive = otherSessions(c, t.database());
        if (!onLive.isEmpty() && !terminate) {
            throw new DbException(stepName, sessions(t.database(), onLive) + ": renaming it needs it to itself;"
                    + " stop them first or allow terminateConnections(); nothing was changed");
        }
        if (old != null) {
            throw new DbException(stepName, "database " + names.old() + " exists already: a database of that name"
                    + " was not expected while " + t.database() + " exists; nothing was changed");
        }
        return State.NOT_STARTED;
    }

    /**
     * Replaces {@code t} by the snapshot: {@code <db> -> <old>}, {@code <snap> -> <db>}, drop
     * {@code <old>}; continues an interrupted swap from where the catalog shows it stopped.
     */
    public static void restore(String stepName, Target t, Names names, long oid, String owner, boolean terminate) {
        try (Connection c = Jdbc.connect(maintenance(t), stepName); Statement s = c.createStatement()) {
            State st = state(c, stepName, t, names, oid, owner, terminate);
            if (st == State.NOT_STARTED) {
                renameAway(c, s, t.database(), names.old(), terminate);
                st = State.BETWEEN_RENAMES;
            }
            if (st == State.BETWEEN_RENAMES) {
                if (terminate) {
                    terminate(c, names.snapshot());
                }
                s.execute("ALTER DATABASE " + q(names.snapshot()) + " RENAME TO " + q(t.database()));
            }
            // the live database no longer carries the snapshot mark (retention looks for it)
            s.execute("COMMENT ON DATABASE " + q(t.database()) + " IS NULL");
            if (byName(c, names.old()) != null) {
                s.execute("DROP DATABASE IF EXISTS " + q(names.old()) + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "swapping in template snapshot " + names.snapshot(), e);
        }
    }

    private static void renameAway(Connection c, Statement s, String from, String to, boolean terminate)
            throws SQLException {
        String rename = "ALTER DATABASE " + q(from) + " RENAME TO " + q(to);
        for (int attempt = 0; ; attempt++) {
            if (terminate) {
                terminate(c, from);
                otherSessions(c, from); // wait for the terminated backends to exit
            }
            try {
                s.execute(rename);
                return;
            } catch (SQLException e) {
                if (!terminate || attempt >= 2 || !"55006".equals(e.getSQLState())) {
                    throw e; // nothing changed: the rename is atomic
                }
            }
        }
    }

    /** Drops the snapshot of a step that never completed (no oid recorded), if it got as far as creating it. */
    public static void dropIncomplete(String stepName, Target t, Names names) {
        try (Connection c = Jdbc.connect(maintenance(t), stepName); Statement s = c.createStatement()) {
            if (byName(c, names.snapshot()) != null) {
                s.execute("DROP DATABASE IF EXISTS " + q(names.snapshot()) + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "dropping incomplete template snapshot " + names.snapshot(), e);
        }
    }

    /** The owner of {@code t} now, for the journal. */
    public static String owner(String stepName, Target t) {
        try (Connection c = Jdbc.connect(maintenance(t), stepName)) {
            Db d = byName(c, t.database());
            if (d == null) {
                throw new DbException(stepName, "database " + t.database() + " does not exist");
            }
            return d.owner();
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, t, "reading the owner of " + t.database(), e);
        }
    }

    /** Whether the recorded snapshot still exists under its own name (for a caller that keeps it). */
    public static boolean exists(StepContext ctx, Target t, long oid) {
        try (Connection c = Jdbc.connect(maintenance(t), ctx.stepName())) {
            return byOid(c, oid) != null;
        } catch (SQLException e) {
            throw Jdbc.failure(ctx.stepName(), t, "looking for a template snapshot", e);
        }
    }
}
