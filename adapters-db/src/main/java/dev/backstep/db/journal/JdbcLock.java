package dev.backstep.db.journal;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.LockUnavailableException;
import dev.backstep.RunId;
import dev.backstep.spi.Lock;
import dev.backstep.spi.LockHolder;
import dev.backstep.spi.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Lock} in a database table, so that several deploy hosts sharing one database exclude
 * each other: one row per locked target, inserted to acquire (the primary key makes a second
 * insert fail), deleted to release.
 *
 * <pre>{@code
 * Lock lock = JdbcLock.builder(dataSource).ttl(Duration.ofMinutes(2)).build();
 * Runner runner = Backstep.runner().journal(JdbcJournal.create(dataSource)).lock(lock).build();
 * runner.holder("shop@prod").ifPresent(h -> System.out.println("busy: " + h.describe()));
 * }</pre>
 *
 * <p>Table (created when missing):
 * <pre>
 * backstep_lock(target VARCHAR(512) PRIMARY KEY, host VARCHAR(255), pid BIGINT, run_id VARCHAR(128),
 *               since VARCHAR(40), heartbeat BIGINT)
 * </pre>
 * {@code since} is the ISO-8601 instant of the acquisition, {@code heartbeat} the holder's clock in
 * epoch milliseconds, refreshed by a background thread every {@link Builder#heartbeatEvery} while
 * the lock is held.
 *
 * <p>A lock is <em>stale</em> when its heartbeat is older than the {@link Builder#ttl TTL} (its
 * holder died, hangs or lost the database), or when its holder ran on this host and its process is
 * gone (this host being the one named by {@link Builder#host} or the machine's own name). {@link #acquire} takes a stale lock over (logged, and reported by
 * {@link Handle#tookOverFrom()}); {@link #breakLock} deletes a stale row and refuses a live one.
 * Hosts compare their own clock with the holder's heartbeat: keep clocks synchronised (NTP) to
 * well within the TTL. {@link LockHolder#isStale()} only knows about dead processes on this host;
 * ask {@link #isStale(String)} for the heartbeat as well.
 *
 * <p>A holder that finds its row gone or replaced when it refreshes the heartbeat (someone broke
 * or took over the lock) logs an error and stops refreshing; releasing it then deletes nothing.
 * {@link Handle#isHeld()} then answers false (it also reads the row when asked), so a runner
 * stops the run before its next step with a {@link dev.backstep.LockLostException}.
 *
 * <p>Thread-safe; every call borrows its own connection. The heartbeat thread is a daemon.
 */
public final class JdbcLock implements Lock {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcLock.class);
    /** The default table name. */
    public static final String DEFAULT_TABLE = "backstep_lock";
    /** The default time without a heartbeat after which a lock is stale. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    private static final int MAX_TARGET_CHARS = Locks.MAX_TARGET_CHARS;
    private static final long POLL_MILLIS = 200;

    private final DataSource dataSource;
    private final String table;
    private final Duration ttl;
    private final Duration heartbeatEvery;
    private final Clock clock;
    private final String host;
    private final long pid;
    private final ScheduledExecutorService heartbeats;
    private final Set<HeldLock> held = ConcurrentHashMap.newKeySet();

    private JdbcLock(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.ttl = b.ttl;
        this.heartbeatEvery = b.heartbeatEvery != null ? b.heartbeatEvery : b.ttl.dividedBy(4);
        if (heartbeatEvery.isZero() || heartbeatEvery.compareTo(ttl) >= 0) {
            throw new PlanDefinitionException(null, null, "heartbeat interval (" + heartbeatEvery + ") must be positive and shorter"
                    + " than the TTL (" + ttl + ")");
        }
        this.clock = b.clock;
        this.host = b.host;
        this.pid = b.pid;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backstep-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        createTable();
    }

    /** A lock in {@value #DEFAULT_TABLE} with the default TTL, created when missing. */
    public static JdbcLock create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The table this lock uses. */
    public String table() {
        return table;
    }

    /** How long a lock lives without a heartbeat. */
    public Duration ttl() {
        return ttl;
    }

    private void createTable() {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = Dialect.of(c);
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + "target VARCHAR(" + MAX_TARGET_CHARS + ") NOT NULL PRIMARY KEY, "
                        + "host VARCHAR(255) NOT NULL, "
                        + "pid BIGINT NOT NULL, "
                        + "run_id VARCHAR(128) NOT NULL, "
                        + "since VARCHAR(40) NOT NULL, "
                        + "heartbeat BIGINT NOT NULL)" + d.tableOptions);
            } catch (SQLException raced) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT target FROM " + table + " WHERE 1 = 0").close();
                } catch (SQLException notThere) {
                    throw raced;
                }
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot create lock table " + table + ": " + Dialect.describe(e), e);
        }
    }

    // ---------------------------------------------------------------- acquire

    @Override
    public Handle acquire(String target, RunId runId, Duration wait) {
        validate(target, wait);
        Objects.requireNonNull(runId, "runId");
        long deadline = System.nanoTime() + wait.toNanos();
        LockHolder tookOver = null;
        while (true) {
            LockHolder me = new LockHolder(target, host, pid, runId, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            if (tryInsert(me)) {
                HeldLock h = new HeldLock(me, Optional.ofNullable(tookOver));
                held.add(h);
                h.heartbeat = heartbeats.scheduleWithFixedDelay(h::beat, heartbeatEvery.toMillis(),
                        heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
                return h;
            }
            Optional<Row> row = row(target);
            if (row.isPresent() && isStale(row.get())) {
                if (deleteExactly(row.get())) {
                    LOG.warn("lock on target '{}': taking over the stale lock of {} (last heartbeat {})", target,
                            row.get().holder.describe(), Instant.ofEpochMilli(row.get().heartbeat));
                    tookOver = row.get().holder;
                }
                continue;
            }
            if (row.isEmpty()) {
                continue; // released in between: try again at once
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LockUnavailableException(target, row.get().holder, wait);
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackstepException("interrupted while waiting for the lock on target '" + target + "'", e);
            }
        }
    }

    private boolean tryInsert(LockHolder me) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (target, host, pid, run_id, since, heartbeat) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, me.target());
                ps.setString(2, me.host());
                ps.setLong(3, me.pid());
                ps.setString(4, me.runId().value());
                ps.setString(5, me.since().toString());
                ps.setLong(6, clock.millis());
                ps.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException e) {
                rollbackQuietly(c, e);
                if (Dialect.isUniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot store the lock on target '" + me.target() + "' in table " + table
                    + ": " + Dialect.describe(e), e);
        }
    }

    // ---------------------------------------------------------------- holder, staleness, break

    @Override
    public Optional<LockHolder> holder(String target) {
        validate(target, Duration.ZERO);
        return row(target).map(r -> r.holder);
    }

    /** When the holder of {@code target} last refreshed its heartbeat; empty when free. */
    public Optional<Instant> lastHeartbeat(String target) {
        validate(target, Duration.ZERO);
        return row(target).map(r -> Instant.ofEpochMilli(r.heartbeat));
    }

    /**
     * Whether {@code target} is locked by a holder that is gone: its heartbeat is older than the
     * TTL, or it ran on this host and its process is dead. False when free.
     */
    public boolean isStale(String target) {
        validate(target, Duration.ZERO);
        return row(target).map(this::isStale).orElse(false);
    }

    @Override
    public boolean breakLock(String target) {
        validate(target, Duration.ZERO);
        while (true) {
            Optional<Row> row = row(target);
            if (row.isEmpty()) {
                return false;
            }
            Row r = row.get();
            if (!isStale(r)) {
                throw new LockUnavailableException(target, r.holder, "target '" + target + "' is locked by "
                        + r.holder.describe() + ", last heartbeat " + Instant.ofEpochMilli(r.heartbeat)
                        + " (TTL " + ttl + "): the holder is alive, and a live lock is never broken; stop it first");
            }
            if (deleteExactly(r)) {
                LOG.warn("lock on target '{}': broke the stale lock of {} (last heartbeat {})", target,
                        r.holder.describe(), Instant.ofEpochMilli(r.heartbeat));
                return true;
            }
            // the row changed under us (refreshed, released or replaced): judge it again
        }
    }

    private boolean isStale(Row r) {
        if (Locks.isStale(r.holder, r.heartbeat, clock.millis(), ttl)) {
            return true;
        }
        // this host under the name this lock writes (.host(name)): a dead process is stale there too
        return r.holder.host().equals(host)
                && ProcessHandle.of(r.holder.pid()).filter(ProcessHandle::isAlive).isEmpty();
    }

    private Optional<Row> row(String target) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT host, pid, run_id, since, heartbeat FROM " + table
                     + " WHERE target = ?")) {
            ps.setString(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                LockHolder h = new LockHolder(target, rs.getString(1), rs.getLong(2), RunId.of(rs.getString(3)),
                        Instant.parse(rs.getString(4)));
                return Optional.of(new Row(h, rs.getLong(5)));
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot read the lock on target '" + target + "' from table " + table + ": "
                    + Dialect.describe(e), e);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BackstepException("lock table " + table + ": the row of target '" + target
                    + "' has an unreadable 'since'", e);
        }
    }

    /** Deletes the row only if it is still exactly {@code r} (same holder, same heartbeat). */
    private boolean deleteExactly(Row r) {
        return update("DELETE FROM " + table + " WHERE target = ? AND host = ? AND pid = ? AND run_id = ? AND since = ?"
                + " AND heartbeat = ?", r.holder, r.heartbeat) == 1;
    }

    private int update(String sql, LockHolder h, Long heartbeat, Object... leading) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object o : leading) {
                    ps.setLong(i++, (Long) o);
                }
                ps.setString(i++, h.target());
                ps.setString(i++, h.host());
                ps.setLong(i++, h.pid());
                ps.setString(i++, h.runId().value());
                ps.setString(i++, h.since().toString());
                if (heartbeat != null) {
                    ps.setLong(i, heartbeat);
                }
                int n = ps.executeUpdate();
                c.commit();
                return n;
            } catch (SQLException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new BackstepException("cannot update the lock on target '" + h.target() + "' in table " + table
                    + ": " + Dialect.describe(e), e);
        }
    }

    /** Test hook: stops refreshing every lock this instance holds, as if its process hung. */
    void stopHeartbeats() {
        for (HeldLock h : held) {
            h.stopHeartbeat();
        }
    }

    @Override
    public String toString() {
        return "JdbcLock[" + table + ", ttl " + ttl + "]";
    }

    private static void validate(String target, Duration wait) {
        Locks.validate(target, wait);
    }

    private static void rollbackQuietly(Connection c, SQLException failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private record Row(LockHolder holder, long heartbeat) {
    }

    private final class HeldLock implements Handle {
        private final LockHolder me;
        private final Optional<LockHolder> tookOverFrom;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean lost = new AtomicBoolean();
        volatile ScheduledFuture<?> heartbeat;

        HeldLock(LockHolder me, Optional<LockHolder> tookOverFrom) {
            this.me = me;
            this.tookOverFrom = tookOverFrom;
        }

        void beat() {
            try {
                int n = update("UPDATE " + table + " SET heartbeat = ? WHERE target = ? AND host = ? AND pid = ?"
                        + " AND run_id = ? AND since = ?", me, null, clock.millis());
                if (n == 0) {
                    lost.set(true);
                    LOG.error("lock on target '{}' held by {} is gone from table {}: someone broke or took it over;"
                            + " no longer refreshing it", me.target(), me.describe(), table);
                    stopHeartbeat();
                }
            } catch (RuntimeException e) {
                LOG.warn("lock on target '{}': cannot refresh the heartbeat (will retry): {}", me.target(),
                        e.getMessage());
            }
        }

        void stopHeartbeat() {
            ScheduledFuture<?> f = heartbeat;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public LockHolder holder() {
            return me;
        }

        /** False once released, or once the row is gone or names another holder (read now). */
        @Override
        public boolean isHeld() {
            if (closed.get() || lost.get()) {
                return false;
            }
            try {
                Optional<Row> row = row(me.target());
                if (row.isEmpty() || !row.get().holder.equals(me)) {
                    lost.set(true);
                    stopHeartbeat();
                    return false;
                }
                return true;
            } catch (RuntimeException cannotTell) {
                LOG.warn("lock on target '{}': cannot read its row to check it is still held: {}", me.target(),
                        cannotTell.getMessage());
                return true; // not known to be lost; the heartbeat keeps checking
            }
        }

        @Override
        public Optional<LockHolder> tookOverFrom() {
            return tookOverFrom;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            stopHeartbeat();
            held.remove(this);
            update("DELETE FROM " + table + " WHERE target = ? AND host = ? AND pid = ? AND run_id = ? AND since = ?",
                    me, null);
        }
    }

    /** Builder of {@link JdbcLock}s. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = DEFAULT_TABLE;
        private Duration ttl = DEFAULT_TTL;
        private Duration heartbeatEvery;
        private Clock clock = Clock.systemUTC();
        private String host = Locks.localHost();
        private long pid = ProcessHandle.current().pid();

        private Builder(DataSource dataSource) {
            this.dataSource = PlanDefinitionException.requireNonNull(dataSource, null, "the data source");
        }

        /** The lock table (letters, digits, '_'); default {@value JdbcLock#DEFAULT_TABLE}. */
        public Builder table(String table) {
            this.table = Dialect.checkTableName(table);
            return this;
        }

        /** How long a lock lives without a heartbeat before it is stale; default 60 s. */
        public Builder ttl(Duration ttl) {
            PlanDefinitionException.requireNonNull(ttl, null, "the lock TTL");
            if (ttl.isNegative() || ttl.compareTo(Duration.ofMillis(100)) < 0) {
                throw new PlanDefinitionException(null, null, "lock TTL must be at least 100 ms, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** How often a holder refreshes its heartbeat; default a quarter of the TTL. */
        public Builder heartbeatEvery(Duration every) {
            this.heartbeatEvery = PlanDefinitionException.requireNonNull(every, null, "the heartbeat interval");
            return this;
        }

        /** The clock for heartbeats and staleness (tests). */
        public Builder clock(Clock clock) {
            this.clock = PlanDefinitionException.requireNonNull(clock, null, "the clock");
            return this;
        }

        /** The host name written into rows (default: this host); for hosts with unhelpful names. */
        public Builder host(String host) {
            PlanDefinitionException.requireNonNull(host, null, "the lock host name");
            if (host.isBlank() || host.length() > 255) {
                throw new PlanDefinitionException(null, null, "lock host name must be 1 to 255 characters, was '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /**
         * Builds the lock and creates its table when missing.
         *
         * @throws BackstepException when the heartbeat interval is not shorter than the TTL or the
         *     table cannot be created
         */
        public JdbcLock build() {
            return new JdbcLock(this);
        }
    }
}
