package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.db.internal.DbCompensations;
import dev.backstep.db.internal.Dumps;
import dev.backstep.db.internal.Keys;
import dev.backstep.db.internal.Snapshots;
import dev.backstep.db.internal.Target;
import dev.backstep.db.internal.TemplateClones;
import dev.backstep.spi.RestoreBound;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Dumps a database into a new owner-only file (0600 in a 0700 directory) with a manifest (sha256,
 * size, time). By default its undo keeps the snapshot and leaves the database alone: taking a
 * snapshot changed nothing. With {@link #restoreOnRollback()}, its undo restores the database from
 * the snapshot (after verifying its checksum), which undoes whatever later steps did to it; a
 * later {@code runner.rollback(runId)} does so only while the snapshot is younger than
 * {@link #restoreOnRollback(Duration) its maximum age}.
 * Dump snapshots are never deleted.
 *
 * <pre>{@code
 * Plan.named("migrate shop")
 *     .step(Db.postgres(conn).snapshot(Path.of("/var/backups/shop")).restoreOnRollback(Duration.ofHours(6)))
 *     .step(Command.of("alembic", "upgrade", "head").in(app))
 *     .verify(Db.postgres(conn).check().rowCount("orders").atLeast(1))
 *     .build();
 * }</pre>
 *
 * <p><b>Template clones</b> ({@link Database#templateSnapshot()}, PostgreSQL 13+): the snapshot is
 * a database on the same server, {@code CREATE DATABASE <db>_bs_<hash> TEMPLATE <db> OWNER
 * <owner>}, its name derived from the run id and step name and journaled before it is created.
 * Restoring swaps names ({@code <db>} to {@code <db>_bs_<hash>_old}, the snapshot to {@code <db>},
 * then the old one is dropped), so it takes about as long whatever the size of the data. Before
 * anything changes the step checks that nobody else is connected to the database (or terminates
 * their sessions when told {@link #terminateConnections()}), that the role has {@code CREATEDB}
 * (or is superuser) and can act as the database's owner (the snapshot gets the same owner), and,
 * when the server runs on this host and lets the role read {@code data_directory}, that its file
 * system has room for the copy ({@link #keepFree}); PostgreSQL has no SQL function for free disk
 * space, so on another host the space is not checked. The copy gets the database's privileges
 * ({@code GRANT ... ON DATABASE}) and connection limit; a database with settings of its own
 * ({@code ALTER DATABASE ... SET}), which a copy would not carry, is refused. The restore checks again that the snapshot
 * still exists (by oid), that both databases have the recorded owner and that nobody is connected.
 * The step works through the server's maintenance database ({@code postgres}, or
 * {@code template1} for a target named {@code postgres}), since a database cannot be copied or
 * renamed by a session connected to it. A restore interrupted between the renames is finished by
 * the next {@code recover()} or
 * {@code rollback(runId)}. Restored-on-rollback bounds, {@code SKIP_DATA_RESTORE} and {@code FORCE}
 * apply as to dumps; a clone is kept like a dump unless {@link #keep(int)} bounds how many are.
 *
 * <pre>{@code
 * Plan.named("migrate shop")
 *     .step(shop.templateSnapshot().restoreOnRollback(Duration.ofHours(6)).keep(3))
 *     .step(Command.of("alembic", "upgrade", "head").in(app))
 *     .build();
 * }</pre>
 *
 * <p>Type {@value Db#SNAPSHOT}. Immutable.
 */
public final class SnapshotStep extends DbStep {
    private final Path dir;
    private final boolean restoreOnRollback;
    private final Duration maxAge;
    private final SnapshotMode mode;
    private final boolean terminate;
    private final int keep;
    private final long keepFree;
    private final int restoreJobs;

    SnapshotStep(String name, Target target, Path dir, boolean restoreOnRollback) {
        this(name, target, dir, restoreOnRollback, Db.DEFAULT_RESTORE_ON_ROLLBACK_MAX_AGE,
                dir == null ? SnapshotMode.TEMPLATE_CLONE : SnapshotMode.DUMP, false, 0, 0, Db.DEFAULT_RESTORE_JOBS);
    }

    private SnapshotStep(String name, Target target, Path dir, boolean restoreOnRollback, Duration maxAge,
                         SnapshotMode mode, boolean terminate, int keep, long keepFree, int restoreJobs) {
        super(name, Db.SNAPSHOT, target);
        this.dir = dir;
        this.restoreOnRollback = restoreOnRollback;
        this.maxAge = maxAge;
        this.mode = mode;
        this.terminate = terminate;
        this.keep = keep;
        this.keepFree = keepFree;
        this.restoreJobs = restoreJobs;
    }

    private SnapshotStep with(String newName, boolean restore, Duration age, boolean term, int k, long free,
                              int jobs) {
        return new SnapshotStep(newName, target, dir, restore, age, mode, term, k, free, jobs);
    }

    /**
     * This step, whose rollback restores the database from the snapshot; a later
     * {@code runner.rollback(runId)} restores it only while it is at most
     * {@link Db#DEFAULT_RESTORE_ON_ROLLBACK_MAX_AGE} (1 hour) old.
     */
    public SnapshotStep restoreOnRollback() {
        return restoreOnRollback(Db.DEFAULT_RESTORE_ON_ROLLBACK_MAX_AGE);
    }

    /**
     * This step, whose rollback restores the database from the snapshot. A later
     * {@code runner.rollback(runId)} refuses up front to restore a snapshot older than
     * {@code maxAge} (every write since would be lost), unless given
     * {@link dev.backstep.RollbackOption#FORCE} (restore anyway) or
     * {@link dev.backstep.RollbackOption#SKIP_DATA_RESTORE} (keep the data, undo the rest).
     *
     * @throws PlanDefinitionException when {@code maxAge} is not positive
     */
    public SnapshotStep restoreOnRollback(Duration maxAge) {
        PlanDefinitionException.requireNonNull(maxAge, null, "the maximum age");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new PlanDefinitionException(null, name(), "the maximum age of a snapshot restored on rollback must be"
                    + " positive, was " + maxAge);
        }
        return with(name(), true, maxAge, terminate, keep, keepFree, restoreJobs);
    }

    /** This step under another name. */
    @Override
    public SnapshotStep withName(String newName) {
        return with(newName, restoreOnRollback, maxAge, terminate, keep, keepFree, restoreJobs);
    }

    /**
     * Template clones only: terminates the other sessions on the database
     * ({@code pg_terminate_backend}) when taking and when restoring the snapshot, instead of
     * refusing while they are connected. Their clients see their connection close.
     *
     * @throws PlanDefinitionException on a dump snapshot
     */
    public SnapshotStep terminateConnections() {
        requireTemplate("terminateConnections()");
        return with(name(), restoreOnRollback, maxAge, true, keep, keepFree, restoreJobs);
    }

    /**
     * Template clones only: after taking a snapshot, keeps the {@code n} newest template snapshots
     * of this database (this one included) and drops the older ones. Only databases Backstep
     * marked as its snapshots of this database are counted or dropped; one with a session open is
     * left for the next time. A later rollback of a run whose snapshot was dropped is refused
     * before anything changes. Without it, template snapshots are kept like dumps.
     *
     * @throws PlanDefinitionException on a dump snapshot or when {@code n < 1}
     */
    public SnapshotStep keep(int n) {
        requireTemplate("keep(n)");
        if (n < 1) {
            throw new PlanDefinitionException(null, name(), "keep(n) keeps at least the snapshot just taken: n must be >= 1, was " + n);
        }
        return with(name(), restoreOnRollback, maxAge, terminate, n, keepFree, restoreJobs);
    }

    /**
     * Template clones only: refuses, before anything changes, when the server's data directory
     * would have less than {@code bytes} left after the copy (checked only where measurable: the
     * server on this host and {@code data_directory} readable by the role). Default 0.
     *
     * @throws PlanDefinitionException on a dump snapshot or when {@code bytes < 0}
     */
    public SnapshotStep keepFree(long bytes) {
        requireTemplate("keepFree(bytes)");
        if (bytes < 0) {
            throw new PlanDefinitionException(null, name(), "keepFree(bytes) must not be negative, was " + bytes);
        }
        return with(name(), restoreOnRollback, maxAge, terminate, keep, bytes, restoreJobs);
    }

    /**
     * PostgreSQL dumps: how many {@code pg_restore --jobs} restore the dump when it is restored on
     * rollback; default {@link Db#DEFAULT_RESTORE_JOBS}. With 1 the restore runs in one transaction
     * (a failure leaves the database as it was); with more it runs in parallel connections, and a
     * failure halfway leaves the database partly restored until the rollback is retried.
     *
     * @throws PlanDefinitionException when {@code jobs < 1}
     */
    public SnapshotStep restoreJobs(int jobs) {
        if (jobs < 1) {
            throw new PlanDefinitionException(null, name(), "restoreJobs must be at least 1, was " + jobs);
        }
        return with(name(), restoreOnRollback, maxAge, terminate, keep, keepFree, jobs);
    }

    private void requireTemplate(String what) {
        if (mode != SnapshotMode.TEMPLATE_CLONE) {
            throw new PlanDefinitionException(null, name(), what + " applies to template snapshots (Database.templateSnapshot()),"
                    + " not to dumps");
        }
    }

    /** How the snapshot is kept: a dump file or a template clone on the server. */
    public SnapshotMode mode() {
        return mode;
    }

    /** How old the snapshot may be for a later rollback to restore it without being told to. */
    public Duration restoreMaxAge() {
        return maxAge;
    }

    /** The directory dump snapshots are written to; null for a template clone. */
    public Path directory() {
        return dir;
    }

    public boolean restoresOnRollback() {
        return restoreOnRollback;
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        if (mode == SnapshotMode.TEMPLATE_CLONE) {
            super.validate(ctx);
            List<String> problems = TemplateClones.checkSnapshot(target, name(), terminate, keepFree);
            if (!problems.isEmpty()) {
                throw new StepValidationException(name(), String.join("; ", problems));
            }
            return;
        }
        validateDumps(ctx, dir, restoreOnRollback);
        super.validate(ctx);
    }

    @Override
    public void execute(StepContext ctx) {
        rememberPassword();
        if (mode == SnapshotMode.TEMPLATE_CLONE) {
            executeTemplate(ctx);
            return;
        }
        Snapshots.ensureDir(name(), dir);
        Instant now = ctx.clock().instant();
        Path file = Snapshots.newFile(name(), dir, target, now);
        // what the undo needs, durable in one journal write before the dump starts
        Map<String, String> before = target.values();
        before.put(Keys.RESTORE_ON_ROLLBACK, String.valueOf(restoreOnRollback));
        before.put(Keys.JOBS, String.valueOf(restoreJobs));
        before.put(Keys.SNAPSHOT, file.toAbsolutePath().toString());
        ctx.recordAll(before);
        Dumps.dump(name(), target, ctx.commands(), file);
        Snapshot s = Snapshots.seal(name(), file, target, now);
        Map<String, String> after = new LinkedHashMap<>();
        after.put(Keys.SNAPSHOT_SHA256, s.sha256());
        after.put(Keys.SNAPSHOT_SIZE, String.valueOf(s.size()));
        if (restoreOnRollback) {
            after.put(RestoreBound.CAPTURED_AT, now.toString());
            after.put(RestoreBound.MAX_AGE, maxAge.toString());
        }
        ctx.recordAll(after);
        ctx.summary("snapshot of " + target.id() + " -> " + file + " (" + s.size() + " bytes, sha256 "
                + s.sha256().substring(0, 12) + ")");
    }

    private void executeTemplate(StepContext ctx) {
        TemplateClones.Names names = TemplateClones.names(target.database(), ctx.runId().value(), name());
        String owner = TemplateClones.owner(name(), target);
        Map<String, String> before = new LinkedHashMap<>();
        before.put(Keys.MODE, "template");
        before.put(Keys.RESTORE_ON_ROLLBACK, String.valueOf(restoreOnRollback));
        before.put(Keys.CLONE, names.snapshot());
        before.put(Keys.CLONE_OLD, names.old());
        before.put(Keys.CLONE_OWNER, owner);
        before.put(Keys.TERMINATE, String.valueOf(terminate));
        target.record(ctx);
        ctx.recordAll(before); // before the database exists: an interrupted step's undo knows what to drop
        Instant now = ctx.clock().instant();
        Long earlier = ctx.recorded(Keys.CLONE_OID).map(Long::valueOf).orElse(null);
        long oid = TemplateClones.create(name(), target, names, earlier, terminate, keepFree, now,
                ctx.runId().value());
        ctx.record(Keys.CLONE_OID, String.valueOf(oid));
        if (restoreOnRollback) {
            new RestoreBound(now, maxAge).recordIn(ctx);
        }
        List<String> dropped = keep > 0 ? TemplateClones.prune(name(), target, keep, names.snapshot()) : List.of();
        ctx.summary("template snapshot of " + target.id() + " -> database " + names.snapshot()
                + (dropped.isEmpty() ? "" : "; dropped older template snapshots " + dropped));
    }

    @Override
    public Compensation compensation() {
        return DbCompensations.SNAPSHOT;
    }

    @Override
    public String describe() {
        if (mode == SnapshotMode.TEMPLATE_CLONE) {
            return "template snapshot of " + target.id() + " (CREATE DATABASE ... TEMPLATE"
                    + (terminate ? ", other sessions terminated" : "") + (keep > 0 ? ", newest " + keep + " kept" : "")
                    + ")" + (restoreOnRollback ? " (restored on rollback by a rename swap while at most " + maxAge
                    + " old)" : "");
        }
        return "snapshot " + target.id() + " into " + dir + (restoreOnRollback ? " (restored on rollback while at most " + maxAge + " old)" : "");
    }

    /**
     * A dump's undo restores from a file on this host; without {@link #restoreOnRollback} it does
     * nothing. A template clone lives on the server: host-independent when the server is.
     */
    @Override
    public boolean hostIndependent() {
        if (mode == SnapshotMode.TEMPLATE_CLONE) {
            return super.hostIndependent();
        }
        return !restoreOnRollback;
    }
}
