/**
 * Backstep plans on Temporal: a plan runs as a workflow whose steps and compensations are
 * activities on the task queue of the host they act on ({@code backstep-<host>}), and
 * {@link dev.backstep.temporal.Rollout}s deploy a plan to many hosts batch by batch, rolling back
 * every host already deployed when a batch or gate fails.
 *
 * <pre>{@code
 * BackstepWorkers.host(factory, "web-3", catalog, stateDir);
 * RunResult r = BackstepWorkflows.of(client)
 *     .run(RunId.of("web-3-1.3.0"), PlanRef.of("deploy-web", "web-3").with("version", "1.3.0"),
 *         Duration.ofMinutes(30));
 * }</pre>
 */
package dev.backstep.temporal;
