/**
 * Operations runbooks written as Backstep plans, each tested against real resources.
 *
 * <pre>{@code
 * Plan deploy = Runbook003.deployPlan(site, "1.3.0");
 * }</pre>
 */
package dev.backstep.examples.runbooks;
