package dev.backstep.db;

/**
 * The database engines {@link Db} drives.
 *
 * <pre>{@code
 * Db.postgres(conn).engine(); // DbEngine.POSTGRES
 * }</pre>
 */
public enum DbEngine {
    /** PostgreSQL: snapshots with {@code pg_dump -Fc}, restored with {@code pg_restore} + {@code psql}. */
    POSTGRES("postgres"),
    /** MariaDB or MySQL: snapshots with {@code mariadb-dump}, restored with the {@code mariadb} client. */
    MARIADB("mariadb"),
    /** SQLite: snapshots and restores with the driver's online backup ({@code backup to}). */
    SQLITE("sqlite"),
    /** H2: snapshots with {@code SCRIPT TO}, restored with {@code RUNSCRIPT FROM}. */
    H2("h2");

    private final String id;

    DbEngine(String id) {
        this.id = id;
    }

    /** The short name used in recorded values, manifests and resource names. */
    public String id() {
        return id;
    }

    /** The engine with this {@link #id()}. */
    public static DbEngine ofId(String id) {
        for (DbEngine e : values()) {
            if (e.id.equals(id)) {
                return e;
            }
        }
        throw new DbException(null, "unknown database engine '" + id + "'");
    }
}
