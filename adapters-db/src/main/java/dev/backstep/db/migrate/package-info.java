/**
 * Schema migration steps on Flyway and Liquibase, undone by Flyway down scripts or a Liquibase
 * rollback to a tag set just before the update.
 *
 * <pre>{@code
 * Plan plan = Plan.named("migrate").step(Migrations.flyway(dataSource, "classpath:db/migration")).build();
 * }</pre>
 */
package dev.backstep.db.migrate;
