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
import dev.backstep.files.BackupIntegrityException;
import dev.backstep.files.StaleBackupException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Replaces a database's contents by a snapshot. Before anything changes (in validation) the
 * snapshot must exist, match the checksum of its manifest (and of the {@link Snapshot} given),
 * have been taken of the same kind of database, and be younger than {@link #maxAge} (default
 * {@link Db#DEFAULT_MAX_SNAPSHOT_AGE}) unless {@link #allowStale()}. The restore is undoable: it
 * first takes a safety snapshot of the database as it is (in {@link #safetySnapshotsIn}, default
 * the snapshot's directory), and its undo restores that one.
 *
 * <pre>{@code
 * Db.mariadb(conn).restore(Path.of("/var/backups/shop/mariadb-shop-20250601T120000000Z-1a2b3c.sql"))
 *     .maxAge(Duration.ofHours(6));      // older snapshots are refused; allowStale() accepts them
 * }</pre>
 *
 * <p>Type {@value Db#RESTORE}. Immutable.
 */
public final class DbRestoreStep extends DbStep {
    private final Path file;
    private final Snapshot expected;
    private final Duration maxAge;
    private final boolean allowStale;
    private final Path safetyDir;
    private final int jobs;

    DbRestoreStep(String name, Target target, Path file, Snapshot expected, Duration maxAge, boolean allowStale,
                Path safetyDir) {
        this(name, target, file, expected, maxAge, allowStale, safetyDir, Db.DEFAULT_RESTORE_JOBS);
    }

    private DbRestoreStep(String name, Target target, Path file, Snapshot expected, Duration maxAge,
                        boolean allowStale, Path safetyDir, int jobs) {
        super(name, Db.RESTORE, target);
        this.jobs = jobs;
        this.file = file.toAbsolutePath();
        this.expected = expected;
        this.maxAge = maxAge;
        this.allowStale = allowStale;
        this.safetyDir = safetyDir;
    }

    /** Refuses snapshots older than {@code age}. */
    public DbRestoreStep maxAge(Duration age) {
        PlanDefinitionException.requireNonNull(age, null, "maxAge");
        if (age.isNegative() || age.isZero()) {
            throw new PlanDefinitionException(null, name(), "maxAge must be positive, was " + age);
        }
        return new DbRestoreStep(name(), target, file, expected, age, allowStale, safetyDir, jobs);
    }

    /** Restores the snapshot whatever its age. */
    public DbRestoreStep allowStale() {
        return new DbRestoreStep(name(), target, file, expected, maxAge, true, safetyDir, jobs);
    }

    /** Where the safety snapshot taken before the restore goes (0700; created when missing). */
    public DbRestoreStep safetySnapshotsIn(Path dir) {
        return new DbRestoreStep(name(), target, file, expected, maxAge, allowStale, PlanDefinitionException.requireNonNull(dir, null, "the safety snapshot directory"),
                jobs);
    }

    /** This step under another name. */
    @Override
    public DbRestoreStep withName(String newName) {
        return new DbRestoreStep(newName, target, file, expected, maxAge, allowStale, safetyDir, jobs);
    }

    /**
     * PostgreSQL custom-format dumps: restored by {@code pg_restore --jobs=n} (default
     * {@link Db#DEFAULT_RESTORE_JOBS}), also when this restore is undone from its safety
     * snapshot. With 1 the restore runs in one transaction (a failure leaves the database as it
     * was); with more, a failure halfway leaves it partly restored until the step is retried or
     * undone. Plain-script dumps and other engines are restored as before.
     *
     * @throws PlanDefinitionException when {@code n < 1}
     */
    public DbRestoreStep jobs(int n) {
        if (n < 1) {
            throw new PlanDefinitionException(null, name(), "jobs must be at least 1, was " + n);
        }
        return new DbRestoreStep(name(), target, file, expected, maxAge, allowStale, safetyDir, n);
    }

    private Path safetyDir() {
        return safetyDir != null ? safetyDir : file.getParent();
    }

    private Snapshot checked(StepContext ctx) {
        Snapshot s;
        try {
            s = Snapshot.read(file);
        } catch (BackupIntegrityException e) {
            throw new BackupIntegrityException(name(), file, e.getMessage());
        }
        if (s.engine() != target.engine()) {
            throw new StepValidationException(name(), "snapshot " + file + " is a " + s.engine().id()
                    + " snapshot, the database is " + target.engine().id());
        }
        if (expected != null && !expected.sha256().equals(s.sha256())) {
            throw new BackupIntegrityException(name(), file, "snapshot " + file + " has sha256 " + s.sha256()
                    + " in its manifest, expected " + expected.sha256());
        }
        Snapshots.verify(name(), file, s.sha256());
        Instant now = ctx.clock().instant();
        Duration age = Duration.between(s.createdAt(), now);
        if (!allowStale && age.compareTo(maxAge) > 0) {
            throw new StaleBackupException(name(), file, age, maxAge);
        }
        return s;
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        checked(ctx);
        validateDumps(ctx, safetyDir(), true);
        super.validate(ctx);
    }

    @Override
    public void execute(StepContext ctx) {
        rememberPassword();
        Snapshot source = checked(ctx);
        target.record(ctx);
        ctx.record(Keys.SOURCE, file.toString());
        ctx.record(Keys.SOURCE_SHA256, source.sha256());
        ctx.record(Keys.JOBS, String.valueOf(jobs));
        Snapshots.ensureDir(name(), safetyDir());
        Instant now = ctx.clock().instant();
        Path safety = Snapshots.newFile(name(), safetyDir(), target, now);
        ctx.record(Keys.SAFETY, safety.toString());
        Dumps.dump(name(), target, ctx.commands(), safety);
        Snapshot s = Snapshots.seal(name(), safety, target, now);
        ctx.record(Keys.SAFETY_SHA256, s.sha256());
        Snapshots.verify(name(), file, source.sha256());
        Dumps.restore(name(), target, ctx.commands(), file, jobs);
        ctx.summary("restored " + target.id() + " from " + file + " (safety snapshot " + safety + ")");
    }

    @Override
    public Compensation compensation() {
        return DbCompensations.RESTORE;
    }

    @Override
    public String describe() {
        return "restore " + target.id() + " from " + file;
    }

    /** Its undo restores the safety snapshot it wrote on this host. */
    @Override
    public boolean hostIndependent() {
        return false;
    }
}
