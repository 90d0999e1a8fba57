package dev.backstep.db.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** The stateless compensations of the database step types: they read recorded values only. */
public final class DbCompensations {

    private DbCompensations() {
    }

    /** {@code db.snapshot}: restores from the snapshot only when asked to and when it was completed. */
    public static final Compensation SNAPSHOT = ctx -> {
        if (!"true".equals(ctx.recorded(Keys.RESTORE_ON_ROLLBACK).orElse("false"))) {
            return; // a snapshot changed nothing; it is kept
        }
        restoreFrom(ctx, Keys.SNAPSHOT, Keys.SNAPSHOT_SHA256);
    };

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
        Dumps.restore(ctx.stepName(), target.get(), ctx.commands(), p);
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
