package dev.backstep.db.migrate;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * {@link Migrations#flyway}: Flyway {@code migrate} whose compensation runs the down scripts
 * ({@code U<version>__*.sql}) of the versions this run applied, newest first. Immutable.
 *
 * <pre>{@code
 * Step migrate = Migrations.flyway(dataSource, "classpath:db/migration").withName("migrate shop db");
 * }</pre>
 */
public final class FlywayMigrate extends JdbcMigration {
    private final List<String> locations;
    private final String table;

    FlywayMigrate(String name, Supplier<MigrationDatabases.Entry> database, List<String> locations, String table) {
        super(name, Migrations.FLYWAY, database);
        this.locations = List.copyOf(locations);
        this.table = table;
    }

    /** This step with another Flyway history table (default {@value Migrations#FLYWAY_TABLE}). */
    public FlywayMigrate table(String historyTable) {
        PlanDefinitionException.requireNonNull(historyTable, null, "the history table");
        if (!historyTable.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new PlanDefinitionException(null, name(), "invalid flyway history table name '" + historyTable + "'");
        }
        return new FlywayMigrate(name(), database, locations, historyTable);
    }

    /** This step under another name. */
    @Override
    public FlywayMigrate withName(String newName) {
        return new FlywayMigrate(newName, database, locations, table);
    }

    @Override
    public String describe() {
        return "flyway migrate " + String.join(", ", locations);
    }

    @Override
    public Compensation compensation() {
        return Migrations.FLYWAY_UNDO;
    }

    private Flyway flyway(MigrationDatabases.Entry db) {
        var cfg = Flyway.configure(Migrations.class.getClassLoader())
                .locations(locations.toArray(String[]::new))
                .table(table);
        if (db.dataSource() != null) {
            cfg.dataSource(db.dataSource());
        } else {
            cfg.dataSource(db.url(), db.user(), db.password().reveal());
        }
        return cfg.load();
    }

    /** Versions Flyway would apply now, in order. */
    private static List<String> pending(MigrationInfoService info) {
        List<String> versions = new ArrayList<>();
        for (MigrationInfo m : info.pending()) {
            if (m.getVersion() != null) {
                versions.add(FlywayUndo.normalize(m.getVersion().getVersion()));
            }
        }
        return versions;
    }

    private List<String> missingDownScripts(List<String> pending) {
        Map<String, String> down = FlywayUndo.downScripts(locations, Migrations.class.getClassLoader());
        List<String> missing = new ArrayList<>();
        for (String v : pending) {
            if (!down.containsKey(v)) {
                missing.add(v);
            }
        }
        return missing;
    }

    @Override
    public void validate(StepContext ctx) {
        List<String> pending;
        try {
            pending = pending(flyway(database.get()).info());
        } catch (FlywayException | BackstepException e) {
            throw new StepValidationException(name(), "cannot inspect the flyway migrations: " + e.getMessage(), e);
        }
        List<String> missing = missingDownScripts(pending);
        if (!missing.isEmpty()) {
            throw new StepValidationException(name(), "no down script for flyway version(s) " + missing + " in "
                    + locations + ": add U<version>__<description>.sql next to each V<version>__*.sql so that the"
                    + " migration can be undone");
        }
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        MigrationDatabases.Entry db = registered();
        Flyway flyway = flyway(db);
        MigrationInfoService info = flyway.info();
        MigrationInfo current = info.current();
        List<String> pending = pending(info);
        List<String> missing = missingDownScripts(pending);
        if (!missing.isEmpty()) {
            throw new StepValidationException(name(), "no down script for flyway version(s) " + missing + " in " + locations);
        }
        ctx.record("url", db.url());
        ctx.record("user", db.user());
        ctx.record("locations", String.join("\n", locations));
        ctx.record("table", table);
        ctx.record("previousVersion", current == null || current.getVersion() == null ? "none"
                : current.getVersion().getVersion());
        ctx.record("versions", String.join(",", pending));
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            BackstepException failure = new BackstepException("flyway migrate failed: " + e.getMessage(), e);
            try {
                FlywayUndo.undo(db, locations, table, pending);
            } catch (Exception undo) {
                failure.addSuppressed(undo);
            }
            throw failure;
        }
        ctx.summary("flyway " + (pending.isEmpty() ? "up to date" : "applied " + String.join(", ", pending))
                + " (was " + ctx.recorded("previousVersion").orElse("none") + ")");
    }
}
