package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.db.internal.Dumps;
import dev.backstep.db.internal.Jdbc;
import dev.backstep.db.internal.Snapshots;
import dev.backstep.db.internal.Target;
import dev.backstep.spi.AbstractStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What every database step shares: its database, validation that the database answers, the
 * fingerprint of every table (for {@link dev.backstep.Runner#rehearse}).
 *
 * <pre>{@code
 * DbStep s = Db.postgres(conn).sql("ALTER TABLE orders ADD COLUMN note text")
 *     .compensatedBy("ALTER TABLE orders DROP COLUMN IF EXISTS note");
 * s.fingerprint(ctx); // db:postgres://app@db:5432/shop/public.orders {columns=..., rows=42, sha256=...}
 * }</pre>
 */
public abstract class DbStep extends AbstractStep {
    final Target target;

    DbStep(String name, String type, Target target) {
        super(checkName(name), type);
        this.target = target;
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new PlanDefinitionException(null, null, "a database step needs a non-blank name, was "
                    + (name == null ? null : "'" + name + "'"));
        }
        return name;
    }

    /** The id of the database this step works on (no password). */
    public String database() {
        return target.id();
    }

    /** Checks that the database answers (and, for SQLite, that its file exists). */
    @Override
    public void validate(StepContext ctx) throws Exception {
        if (target.engine() == DbEngine.SQLITE && !Files.isRegularFile(Path.of(target.database()))) {
            throw new StepValidationException(name(), "SQLite database " + target.database() + " does not exist");
        }
        try (Connection c = Jdbc.connect(target, name())) {
            if (!c.isValid(30)) {
                throw new StepValidationException(name(), "database " + target.id() + " does not answer");
            }
        } catch (DbException e) {
            throw new StepValidationException(name(), e.getMessage().replaceFirst("^step '[^']*': ", ""));
        } catch (SQLException e) {
            throw new StepValidationException(name(), Jdbc.failure(null, target, "connecting", e).getMessage());
        }
    }

    /** One fingerprint for the table list and one per table: columns, row count, content sha256. */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        return Jdbc.fingerprint(target, name());
    }

    /**
     * True for a PostgreSQL or MariaDB server reached over the network: any host sharing the
     * journal can compensate. SQLite and H2 files, and servers on {@code localhost}, are this
     * host's own.
     */
    @Override
    public boolean hostIndependent() {
        return target.isServer() && !dev.backstep.db.internal.Hostnames.isLoopback(target.host());
    }

    /**
     * Refuses a snapshot directory that cannot be used and a dump (and, if {@code restores}, restore)
     * program that does not start.
     */
    final void validateDumps(StepContext ctx, Path dir, boolean restores) {
        String problem = Snapshots.checkDir(dir);
        if (problem != null) {
            throw new StepValidationException(name(), problem);
        }
        for (String program : Dumps.programs(target, restores)) {
            try {
                Dumps.checkProgram(ctx.commands(), program);
            } catch (RuntimeException e) {
                throw new StepValidationException(name(), "cannot run " + program + ": " + e.getMessage());
            }
        }
    }

    void rememberPassword() {
        if (target.password() != null) {
            Db.credentials().register(target.id(), target.password());
        }
    }
}
