/**
 * systemd steps for Backstep: start, stop, restart, enable and disable units and install unit
 * files, each undone back to exactly the state it found, and a health verification.
 *
 * <pre>{@code
 * Plan plan = Plan.named("restart bot")
 *     .step(Systemd.restart("my_form_bot.service"))
 *     .verify(Systemd.healthy("my_form_bot.service").within(Duration.ofSeconds(30)))
 *     .build();
 * }</pre>
 */
package dev.backstep.systemd;
