/**
 * Docker Compose steps for Backstep: up, pull, stop, restart and exec on services, each undone to
 * exactly the image every service ran before, a health verification and a log check.
 *
 * <pre>{@code
 * Compose shop = Compose.project(Path.of("/srv/shop")).envFile(".env.prod");
 * Plan plan = Plan.named("deploy shop")
 *     .step(shop.up("api"))
 *     .verify(shop.healthy("api").within(Duration.ofSeconds(60)))
 *     .verify(shop.logs("api").noneMatch("ERROR"))
 *     .build();
 * }</pre>
 */
package dev.backstep.docker;
