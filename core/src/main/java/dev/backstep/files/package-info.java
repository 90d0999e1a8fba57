/**
 * Steps on files: {@link dev.backstep.files.ConfigFile} replaces, edits, backs up and restores
 * configuration files byte- and mode-exact; {@link dev.backstep.files.Release} deploys
 * Capistrano-style releases behind an atomic {@code current} symlink.
 *
 * <pre>{@code
 * Release shop = Release.in(Path.of("/srv/shop"));
 * Plan plan = Plan.named("deploy 1.3.0")
 *     .step(shop.deploy("1.3.0", build))
 *     .step(ConfigFile.edit(shop.base().resolve("shared/.env")).set("APP_VERSION", "1.3.0"))
 *     .build();
 * }</pre>
 */
package dev.backstep.files;
