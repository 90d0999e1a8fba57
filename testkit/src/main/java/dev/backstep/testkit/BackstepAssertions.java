package dev.backstep.testkit;

import dev.backstep.Rehearsal;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RunResult;

/**
 * AssertJ entry point for Backstep results.
 *
 * <pre>{@code
 * import static dev.backstep.testkit.BackstepAssertions.assertThat;
 *
 * assertThat(runner.run(plan)).rolledBack().failedAt("migrate").compensated("config", "checkout");
 * assertThat(runner.rehearse(plan)).restoredExactly().reapplied();
 * assertThat(runner.rehearse(plan, RehearsalOptions.everyStep())).restoredExactlyAtEveryPoint();
 * }</pre>
 */
public final class BackstepAssertions {
    private BackstepAssertions() {
    }

    public static RunResultAssert assertThat(RunResult actual) {
        return new RunResultAssert(actual);
    }

    public static RehearsalMatrixAssert assertThat(RehearsalMatrix actual) {
        return new RehearsalMatrixAssert(actual);
    }

    public static RehearsalAssert assertThat(Rehearsal actual) {
        return new RehearsalAssert(actual);
    }
}
