package dev.backstep.db.migrate;

import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import java.sql.Connection;
import java.util.Map;
import java.util.function.Supplier;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * {@link Migrations#liquibase}: tags the database, then Liquibase {@code update}; the compensation
 * is {@code rollback} to that tag. Immutable.
 *
 * <pre>{@code
 * Step update = Migrations.liquibase("db/changelog.xml", dataSource);
 * }</pre>
 */
public final class LiquibaseUpdate extends JdbcMigration {
    private final String changelog;

    LiquibaseUpdate(String name, Supplier<MigrationDatabases.Entry> database, String changelog) {
        super(name, Migrations.LIQUIBASE, database);
        this.changelog = changelog;
    }

    /** This step under another name. */
    @Override
    public LiquibaseUpdate withName(String newName) {
        return new LiquibaseUpdate(newName, database, changelog);
    }

    @Override
    public String describe() {
        return "liquibase update " + changelog;
    }

    @Override
    public Compensation compensation() {
        return Migrations.LIQUIBASE_ROLLBACK;
    }

    @Override
    public void validate(StepContext ctx) {
        if (Migrations.class.getClassLoader().getResource(changelog) == null) {
            throw new StepValidationException(name(), "liquibase changelog '" + changelog + "' is not on the class path");
        }
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        MigrationDatabases.Entry db = registered();
        String tag = "backstep-" + ctx.runId() + "-" + Integer.toHexString(name().hashCode());
        ctx.record("url", db.url());
        ctx.record("user", db.user());
        ctx.record("changelog", changelog);
        ctx.record("tag", tag);
        try (Connection c = db.open()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            run(() -> new CommandScope("tag").addArgumentValue("database", database).addArgumentValue("tag", tag).execute());
            try {
                run(() -> new CommandScope("update").addArgumentValue("database", database)
                        .addArgumentValue("changelogFile", changelog).execute());
            } catch (Exception e) {
                BackstepException failure = new BackstepException("liquibase update " + changelog + " failed: "
                        + e.getMessage(), e);
                try {
                    rollback(database, changelog, tag);
                } catch (Exception undo) {
                    failure.addSuppressed(undo);
                }
                throw failure;
            }
        }
        ctx.summary("liquibase update " + changelog + " (rollback tag " + tag + ")");
    }

    /** The compensation of "db.liquibase" steps: reads only recorded values. */
    static void compensate(StepContext ctx) throws Exception {
        if (ctx.recorded("tag").isEmpty() || ctx.recorded("url").isEmpty()) {
            return; // crashed before tagging: nothing was updated
        }
        MigrationDatabases.Entry db = MigrationDatabases.find(ctx.recorded("url").get(), ctx.recorded("user").orElse(""));
        try (Connection c = db.open()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            rollback(database, ctx.recorded("changelog").orElseThrow(), ctx.recorded("tag").get());
        }
    }

    private static void rollback(Database database, String changelog, String tag) throws Exception {
        if (!database.doesTagExist(tag)) {
            return; // never tagged (crash before the tag): nothing of this run was applied
        }
        run(() -> new CommandScope("rollback").addArgumentValue("database", database)
                .addArgumentValue("changelogFile", changelog).addArgumentValue("tag", tag).execute());
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(Body body) throws Exception {
        Scope.child(Map.of(Scope.Attr.resourceAccessor.name(),
                new ClassLoaderResourceAccessor(Migrations.class.getClassLoader())), () -> body.run());
    }
}
