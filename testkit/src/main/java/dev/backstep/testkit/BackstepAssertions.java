package dev.backstep.testkit;

import dev.backstep.Rehearsal;
import dev.backstep.RunResult;

/**
 * AssertJ entry point for Backstep results.
 *
 * <pre>{@code
 * import static dev.backstep.testkit.BackstepAssertions.assertThat;
 *
 * assertThat(runner.run(plan)).rolledBack().failedAt("migrate").compensated("config", "checkout");
 * assertThat(runner.rehearse(plan)).restoredExactly().reapplied();
 * }</pre>
 */
public final class BackstepAssertions {
    private BackstepAssertions() {
    }

    public static RunResultAssert assertThat(RunResult actual) {
        return new RunResultAssert(actual);
    }

    public static RehearsalAssert assertThat(Rehearsal actual) {
        return new RehearsalAssert(actual);
    }
}
