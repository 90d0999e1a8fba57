package dev.backstep.testkit;

import dev.backstep.RunResult;

/**
 * AssertJ entry point for Backstep results.
 *
 * <pre>{@code
 * import static dev.backstep.testkit.BackstepAssertions.assertThat;
 *
 * assertThat(runner.run(plan)).rolledBack().failedAt("migrate").compensated("config", "checkout");
 * }</pre>
 */
public final class BackstepAssertions {
    private BackstepAssertions() {
    }

    public static RunResultAssert assertThat(RunResult actual) {
        return new RunResultAssert(actual);
    }
}
