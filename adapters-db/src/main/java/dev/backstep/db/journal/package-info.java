/**
 * A journal and a lock in a shared database, so that several deploy hosts can run, roll back and
 * recover each other's runs: {@link dev.backstep.db.journal.JdbcJournal} and
 * {@link dev.backstep.db.journal.JdbcLock}.
 *
 * <pre>{@code
 * Runner runner = Backstep.runner().journal(JdbcJournal.create(dataSource))
 *     .lock(JdbcLock.builder(dataSource).ttl(Duration.ofMinutes(2)).build()).build();
 * }</pre>
 */
package dev.backstep.db.journal;
