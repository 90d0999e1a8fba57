package dev.backstep.db.internal;

import dev.backstep.Compensation;
import dev.backstep.RollbackOption;
import dev.backstep.StepContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;

/** The stateless compensations of the database step types: they read recorded values only. */
public final class DbCompensations {

    private DbCompensations() {
    }

    /**
     * {@code db.snapshot}: restores from the snapshot only when asked to and when it was completed;
     * a template snapshot is swapped in by renaming, and one whose creation never completed is
     * dropped.
     */
    public static final Compensation SNAPSHOT = new Compensation() {
        @Override
        public void compensate(StepContext ctx) {
            boolean restore = "true".equals(ctx.recorded(Keys.RESTORE_ON_ROLLBACK).orElse("false"));
            if ("template".equals(ctx.recorded(Keys.MODE).orElse(""))) {
                compensateTemplate(ctx, restore);
                return;
            }
            if (!restore) {
                return; // a snapshot changed nothing; it is kept
            }
            restoreFrom(ctx, Keys.SNAPSHOT, Keys.SNAPSHOT_SHA256);
        }

        /** A rollback of a finished run refuses, before anything changes, a template snapshot it cannot swap in. */
        @Override
        public void precheck(StepContext ctx, Set<RollbackOption> options) {
            if (!"template".equals(ctx.recorded(Keys.MODE).orElse(""))
                    || !"true".equals(ctx.recorded(Keys.RESTORE_ON_ROLLBACK).orElse("false"))
                    || options.contains(RollbackOption.SKIP_DATA_RESTORE)) {
                return;
            }
            Optional<Target> target = Target.recorded(ctx);
            Optional<String> oid = ctx.recorded(Keys.CLONE_OID);
            if (target.isEmpty() || oid.isEmpty()) {
                return; // never completed: the compensation only drops what it may have created
            }
            TemplateClones.precheck(ctx.stepName(), target.get(), names(ctx), Long.parseLong(oid.get()),
                    ctx.recorded(Keys.CLONE_OWNER).orElseThrow(), terminate(ctx));
        }
    };

    /** The journaled names; a crash may have torn the write of the names after the first one. */
    private static TemplateClones.Names names(StepContext ctx) {
        String snapshot = ctx.recorded(Keys.CLONE).orElseThrow();
        return new TemplateClones.Names(snapshot, ctx.recorded(Keys.CLONE_OLD).orElse(snapshot + "_old"));
    }

    private static boolean terminate(StepContext ctx) {
        return "true".equals(ctx.recorded(Keys.TERMINATE).orElse("false"));
    }

    private static void compensateTemplate(StepContext ctx, boolean restore) {
        Optional<Target> target = Target.recorded(ctx);
        if (target.isEmpty() || ctx.recorded(Keys.CLONE).isEmpty()) {
            return; // crashed before naming the snapshot: nothing was created
        }
        Optional<String> oid = ctx.recorded(Keys.CLONE_OID);
        if (oid.isEmpty()) {
            // the step never completed, so nothing after it changed the database; drop a half-made copy
            TemplateClones.dropIncomplete(ctx.stepName(), target.get(), names(ctx));
            return;
        }
        if (restore) {
            TemplateClones.restore(ctx.stepName(), target.get(), names(ctx), Long.parseLong(oid.get()),
                    ctx.recorded(Keys.CLONE_OWNER).orElseThrow(), terminate(ctx));
        } // else: kept, like a dump
    }

    /** {@code db.restore}: restores the safety snapshot taken before the restore. */
    public static final Compensation RESTORE = ctx -> restoreFrom(ctx, Keys.SAFETY, Keys.SAFETY_SHA256);

    /** {@code db.sql}: runs the recorded down statement in a transaction. */
    public static final Compensation SQL = ctx -> {
        Optional<String> down = ctx.recorded(Keys.DOWN);
        Optional<Target> target = Target.recorded(ctx);
        if (down.isEmpty() || target.isEmpty()) {
            return; // crashed before anything ran
        }
        inTransaction(ctx.stepName(), target.get(), down.get());
    };

    private static void restoreFrom(StepContext ctx, String fileKey, String shaKey) {
        Optional<String> file = ctx.recorded(fileKey);
        Optional<String> sha = ctx.recorded(shaKey);
        Optional<Target> target = Target.recorded(ctx);
        if (file.isEmpty() || sha.isEmpty() || target.isEmpty()) {
            return; // the dump never completed, so nothing after it changed the database
        }
        Path p = Path.of(file.get());
        Snapshots.verify(ctx.stepName(), p, sha.get());
        Dumps.restore(ctx.stepName(), target.get(), ctx.commands(), p, jobs(ctx));
    }

    /** Recorded {@code pg_restore --jobs}; 1 (one transaction) for runs journaled before it existed. */
    private static int jobs(StepContext ctx) {
        try {
            return Math.max(1, Integer.parseInt(ctx.recorded(Keys.JOBS).orElse("1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Runs {@code sql} in one transaction; rolls back and throws on failure. */
    public static void inTransaction(String stepName, Target target, String sql) {
        try (Connection c = Jdbc.connect(target, stepName)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(new SQLException(Jdbc.mask(r.getMessage(), target)));
                }
                throw e;
            }
        } catch (SQLException e) {
            throw Jdbc.failure(stepName, target, "running SQL", e);
        }
    }
}
