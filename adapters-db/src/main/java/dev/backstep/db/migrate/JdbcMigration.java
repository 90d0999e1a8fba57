package dev.backstep.db.migrate;

import dev.backstep.spi.AbstractStep;
import java.util.function.Supplier;

/**
 * What {@link FlywayMigrate} and {@link LiquibaseUpdate} share: a migration library run in this
 * process on a JDBC database (a data source, or a URL, user and password), looked up when the step
 * runs. Package-private: users see the steps.
 */
abstract sealed class JdbcMigration extends AbstractStep permits FlywayMigrate, LiquibaseUpdate {
    final Supplier<MigrationDatabases.Entry> database;

    JdbcMigration(String name, String type, Supplier<MigrationDatabases.Entry> database) {
        super(name, type);
        this.database = database;
    }

    /** True when its database is a server reached over the network (not loopback). */
    @Override
    public boolean hostIndependent() {
        return MigrationDatabases.remote(database);
    }

    /** The database, made reachable for this step's compensation in this process. */
    final MigrationDatabases.Entry registered() {
        MigrationDatabases.Entry db = database.get();
        MigrationDatabases.register(db);
        return db;
    }
}
