/**
 * Backstep's public API: compose a {@link dev.backstep.Plan} of {@link dev.backstep.Step}s, run it
 * with a {@link dev.backstep.Runner}, and read the {@link dev.backstep.RunResult}. Completed steps
 * are compensated in reverse order when a later step or verification fails; the journal lets a
 * finished run be rolled back later and a crashed run be recovered.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy shop v1.3.0").target("shop@prod")
 *     .step(Command.of("php", "artisan", "migrate").compensatedBy("php", "artisan", "migrate:rollback"))
 *     .verify(Step.verification("smoke test", ctx -> smokeTest()))
 *     .build();
 * RunResult result = Backstep.runner().stateDir(state).build().run(plan);
 * }</pre>
 */
package dev.backstep;
