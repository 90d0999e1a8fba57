package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.db.internal.DbCompensations;
import dev.backstep.db.internal.Dumps;
import dev.backstep.db.internal.Keys;
import dev.backstep.db.internal.Snapshots;
import dev.backstep.db.internal.Target;
import dev.backstep.spi.RestoreBound;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Dumps a database into a new owner-only file (0600 in a 0700 directory) with a manifest (sha256,
 * size, time). By default its undo keeps the snapshot and leaves the database alone: taking a
 * snapshot changed nothing. With {@link #restoreOnRollback()}, its undo restores the database from
 * the snapshot (after verifying its checksum), which undoes whatever later steps did to it; a
 * later {@code runner.rollback(runId)} does so only while the snapshot is younger than
 * {@link #restoreOnRollback(Duration) its maximum age}.
 * Snapshots are never deleted.
 *
 * <pre>{@code
 * Plan.named("migrate shop")
 *     .step(Db.postgres(conn).snapshot(Path.of("/var/backups/shop")).restoreOnRollback(Duration.ofHours(6)))
 *     .step(Command.of("alembic", "upgrade", "head").in(app))
 *     .verify(Db.postgres(conn).check().rowCount("orders").atLeast(1))
 *     .build();
 * }</pre>
 *
 * <p>Type {@value Db#SNAPSHOT}. Immutable.
 */
public final class SnapshotStep extends DbStep {
    private final Path dir;
    private final boolean restoreOnRollback;
    private final Duration maxAge;

    SnapshotStep(String name, Target target, Path dir, boolean restoreOnRollback) {
        this(name, target, dir, restoreOnRollback, Db.DEFAULT_RESTORE_ON_ROLLBACK_MAX_AGE);
    }

    private SnapshotStep(String name, Target target, Path dir, boolean restoreOnRollback, Duration maxAge) {
        super(name, target);
        this.dir = dir;
        this.restoreOnRollback = restoreOnRollback;
        this.maxAge = maxAge;
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
            throw new PlanDefinitionException(null, name, "the maximum age of a snapshot restored on rollback must be"
                    + " positive, was " + maxAge);
        }
        return new SnapshotStep(name, target, dir, true, maxAge);
    }

    /** This step under another name. */
    @Override
    public SnapshotStep withName(String newName) {
        return new SnapshotStep(newName, target, dir, restoreOnRollback, maxAge);
    }

    /** How old the snapshot may be for a later rollback to restore it without being told to. */
    public Duration restoreMaxAge() {
        return maxAge;
    }

    /** The directory snapshots are written to. */
    public Path directory() {
        return dir;
    }

    public boolean restoresOnRollback() {
        return restoreOnRollback;
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        validateDumps(ctx, dir, restoreOnRollback);
        super.validate(ctx);
    }

    @Override
    public void execute(StepContext ctx) {
        rememberPassword();
        target.record(ctx);
        ctx.record(Keys.RESTORE_ON_ROLLBACK, String.valueOf(restoreOnRollback));
        Snapshots.ensureDir(name, dir);
        Instant now = ctx.clock().instant();
        Path file = Snapshots.newFile(name, dir, target, now);
        ctx.record(Keys.SNAPSHOT, file.toAbsolutePath().toString());
        Dumps.dump(name, target, ctx.commands(), file);
        Snapshot s = Snapshots.seal(name, file, target, now);
        ctx.record(Keys.SNAPSHOT_SHA256, s.sha256());
        ctx.record(Keys.SNAPSHOT_SIZE, String.valueOf(s.size()));
        if (restoreOnRollback) {
            new RestoreBound(now, maxAge).recordIn(ctx);
        }
        ctx.summary("snapshot of " + target.id() + " -> " + file + " (" + s.size() + " bytes, sha256 "
                + s.sha256().substring(0, 12) + ")");
    }

    @Override
    public Compensation compensation() {
        return DbCompensations.SNAPSHOT;
    }

    @Override
    public String describe() {
        return "snapshot " + target.id() + " into " + dir + (restoreOnRollback ? " (restored on rollback while at most " + maxAge + " old)" : "");
    }

    @Override
    public String type() {
        return Db.SNAPSHOT;
    }

    /** Its undo restores from a dump file on this host; without {@link #restoreOnRollback} it does nothing. */
    @Override
    public boolean hostIndependent() {
        return !restoreOnRollback;
    }
}
