package dev.backstep.db.internal;

import dev.backstep.Compensation;
import dev.backstep.db.Db;
import dev.backstep.db.migrate.Migrations;
import dev.backstep.spi.StepTypeProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the database step types with the step registry: {@code db.snapshot}, {@code db.restore},
 * {@code db.sql}, {@code db.alembic}, {@code db.artisan}, {@code db.flyway} and {@code db.liquibase}
 * (the last two compensations load Flyway or Liquibase only when they run).
 */
public final class DbStepTypes implements StepTypeProvider {

    @Override
    public Map<String, Compensation> compensations() {
        Map<String, Compensation> all = new LinkedHashMap<>(Db.compensations());
        try {
            all.putAll(Migrations.compensations());
        } catch (LinkageError noMigrationTool) {
            // Flyway and Liquibase are optional: without them there are no migration steps to undo
        }
        return all;
    }
}
