/**
 * Schema migration steps: Flyway and Liquibase, undone by Flyway down scripts or a Liquibase
 * rollback to a tag set just before the update; Alembic, undone by {@code downgrade} to the
 * revision recorded before the upgrade; Laravel's {@code artisan migrate}, undone by rolling back
 * exactly the batches it added.
 *
 * <pre>{@code
 * Plan plan = Plan.named("migrate")
 *     .step(Migrations.flyway(dataSource, "classpath:db/migration"))
 *     .step(Migrations.alembic(Path.of("/srv/api")).env("DB_PASSWORD", Secret.of(pw)))
 *     .build();
 * }</pre>
 */
package dev.backstep.db.migrate;
