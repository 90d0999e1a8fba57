package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.db.internal.DbCompensations;
import dev.backstep.db.internal.Keys;
import dev.backstep.db.internal.Target;

/**
 * Runs one SQL statement in a transaction, exactly as given, over JDBC; its undo runs the
 * {@link #compensatedBy down} statement in a transaction. The down statement is recorded in the
 * journal before the up statement runs (so write no secrets into SQL), and like every undo it may
 * run twice after a crash, or on a database where the up statement never committed: make it
 * idempotent ({@code DROP COLUMN IF EXISTS}, {@code DELETE ... WHERE}). PostgreSQL, SQLite and
 * H2 roll DDL back with the transaction; MariaDB commits DDL at once.
 *
 * <pre>{@code
 * Db.postgres(conn).sql("ALTER TABLE orders ADD COLUMN note text")
 *     .compensatedBy("ALTER TABLE orders DROP COLUMN IF EXISTS note");
 * }</pre>
 *
 * <p>Without a down statement the step is not reversible (reported as such). Type
 * {@value Db#SQL}. Immutable.
 */
public final class SqlStep extends DbStep {
    private final String up;
    private final String down;

    SqlStep(String name, Target target, String up, String down) {
        super(name, Db.SQL, target);
        this.up = up;
        this.down = down;
    }

    /** This step, undone by running {@code down}. */
    public SqlStep compensatedBy(String downSql) {
        if (downSql == null || downSql.isBlank()) {
            throw new DbException(name(), "the down SQL is blank");
        }
        return new SqlStep(name(), target, up, downSql);
    }

    /** This step under another name. */
    @Override
    public SqlStep withName(String newName) {
        return new SqlStep(newName, target, up, down);
    }

    public String up() {
        return up;
    }

    @Override
    public void execute(StepContext ctx) {
        rememberPassword();
        target.record(ctx);
        if (down != null) {
            ctx.record(Keys.DOWN, down);
        }
        DbCompensations.inTransaction(name(), target, up);
        ctx.record(Keys.COMMITTED, "true");
    }

    @Override
    public Compensation compensation() {
        return down == null
                ? Compensation.none("no down SQL given for '" + abbreviate(up) + "' (use compensatedBy)")
                : DbCompensations.SQL;
    }

    @Override
    public String describe() {
        return "sql on " + target.id() + ": " + abbreviate(up) + (down == null ? "" : " (undo: " + abbreviate(down) + ")");
    }

    static String abbreviate(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    static String require(String up) {
        PlanDefinitionException.requireNonNull(up, null, "the SQL statement");
        if (up.isBlank()) {
            throw new PlanDefinitionException(null, null, "the SQL statement is blank, was '" + up + "'");
        }
        return up;
    }
}
