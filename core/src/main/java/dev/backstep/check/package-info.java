/**
 * Verification steps that poll until they pass or their deadline ends: HTTP, TCP, command smoke
 * tests, Prometheus metric gates and custom assertions. A failed check rolls the run back.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy").step(deploy)
 *     .verify(Check.http(URI.create("http://127.0.0.1:8080/health")).status(200)
 *         .within(Duration.ofSeconds(30)).every(Duration.ofSeconds(1)))
 *     .build();
 * }</pre>
 */
package dev.backstep.check;
