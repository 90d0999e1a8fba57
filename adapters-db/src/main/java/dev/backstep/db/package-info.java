/**
 * Database steps for PostgreSQL, MariaDB/MySQL, SQLite and H2: snapshots and restores, SQL with
 * its down script, and integrity checks, each undone from what it recorded.
 *
 * <pre>{@code
 * Database db = Db.postgres(conn);
 * Plan plan = Plan.named("migrate")
 *     .step(db.snapshot(backups).restoreOnRollback())
 *     .step(db.sql("ALTER TABLE orders ADD note text").compensatedBy("ALTER TABLE orders DROP note"))
 *     .verify(db.check().rowCount("orders").atLeast(1))
 *     .build();
 * }</pre>
 */
package dev.backstep.db;
