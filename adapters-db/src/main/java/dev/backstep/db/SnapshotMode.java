package dev.backstep.db;

/**
 * How a {@link SnapshotStep} keeps the data it can restore.
 *
 * <pre>{@code
 * SnapshotStep s = shop.templateSnapshot().restoreOnRollback();
 * assert s.mode() == SnapshotMode.TEMPLATE_CLONE;
 * }</pre>
 */
public enum SnapshotMode {
    /**
     * A dump file on this host ({@code pg_dump -Fc}, {@code mariadb-dump}, SQLite backup, H2
     * {@code SCRIPT}) with a sha256 manifest; restored by replaying it. Built by
     * {@link Database#snapshot(java.nio.file.Path)}.
     */
    DUMP,
    /**
     * PostgreSQL only: a copy of the database on the same server, {@code CREATE DATABASE <snap>
     * TEMPLATE <db>}; restored by swapping names, which takes about as long whatever the size.
     * Built by {@link Database#templateSnapshot()}.
     */
    TEMPLATE_CLONE
}
