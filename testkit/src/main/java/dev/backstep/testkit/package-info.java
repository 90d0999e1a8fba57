/**
 * Testing plans and custom steps: AssertJ assertions on run results and rehearsals, fault-injecting
 * {@link dev.backstep.testkit.FakeStep}s, a {@link dev.backstep.testkit.RecordingListener}, and
 * {@link dev.backstep.testkit.StepHarness} to run a step's action and compensation in isolation.
 *
 * <pre>{@code
 * RunResult r = runner.run(Plan.named("p").step(FakeStep.named("a").build())
 *     .step(FakeStep.named("b").failAlways().build()).build());
 * BackstepAssertions.assertThat(r).rolledBack().failedAt("b").compensated("a");
 * }</pre>
 */
package dev.backstep.testkit;
