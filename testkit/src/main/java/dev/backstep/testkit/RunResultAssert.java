package dev.backstep.testkit;

import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepStatus;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link RunResult}. Failure messages say "Expected &lt;x&gt; but was &lt;y&gt;" and
 * include the run's report.
 *
 * <pre>{@code
 * assertThat(result).rollbackFailed().stillApplied("db snapshot").hasFailureCount(2);
 * }</pre>
 */
public class RunResultAssert extends AbstractAssert<RunResultAssert, RunResult> {

    public RunResultAssert(RunResult actual) {
        super(actual, RunResultAssert.class);
    }

    public RunResultAssert hasStatus(RunStatus expected) {
        isNotNull();
        if (actual.status() != expected) {
            failWithMessage("Expected run status <%s> but was <%s>%n%s", expected, actual.status(), report());
        }
        return this;
    }

    public RunResultAssert succeeded() {
        return hasStatus(RunStatus.SUCCEEDED);
    }

    public RunResultAssert rolledBack() {
        return hasStatus(RunStatus.ROLLED_BACK);
    }

    public RunResultAssert rollbackFailed() {
        return hasStatus(RunStatus.ROLLBACK_FAILED);
    }

    public RunResultAssert failedAfterPivot() {
        return hasStatus(RunStatus.FAILED_AFTER_PIVOT);
    }

    public RunResultAssert interrupted() {
        return hasStatus(RunStatus.INTERRUPTED);
    }

    /** The steps compensated, exactly and in this order (the order compensations finished). */
    public RunResultAssert compensated(String... inOrder) {
        isNotNull();
        List<String> expected = Arrays.asList(inOrder);
        if (!actual.compensated().equals(expected)) {
            failWithMessage("Expected compensated steps <%s> but was <%s>%n%s", expected, actual.compensated(),
                    report());
        }
        return this;
    }

    /**
     * The rollback's last phase ran exactly these {@code afterRollback} steps and
     * {@code verifyAfterRollback} checks, in this order, and each succeeded.
     *
     * <pre>{@code
     * assertThat(result).rolledBack().ranAfterRollback("restart php-fpm", "health after rollback");
     * }</pre>
     */
    public RunResultAssert ranAfterRollback(String... inOrder) {
        isNotNull();
        List<String> expected = Arrays.asList(inOrder);
        List<String> was = actual.rollbackSteps().stream()
                .map(s -> s.name() + (s.status() == StepStatus.SUCCEEDED ? "" : " (" + s.status() + ")")).toList();
        if (!was.equals(expected)) {
            failWithMessage("Expected the rollback to run, after its compensations, <%s> but it ran <%s>%n%s",
                    expected, was, report());
        }
        return this;
    }

    /** The steps compensated, exactly, in any order (for parallel groups). */
    public RunResultAssert compensatedInAnyOrder(String... steps) {
        isNotNull();
        List<String> expected = Arrays.stream(steps).sorted().toList();
        List<String> was = actual.compensated().stream().sorted().toList();
        if (!was.equals(expected)) {
            failWithMessage("Expected compensated steps (any order) <%s> but was <%s>%n%s", expected,
                    actual.compensated(), report());
        }
        return this;
    }

    /** Exactly these steps are still applied (in plan order). */
    public RunResultAssert stillApplied(String... steps) {
        isNotNull();
        List<String> expected = Arrays.asList(steps);
        if (!actual.stillApplied().equals(expected)) {
            failWithMessage("Expected still applied steps <%s> but was <%s>%n%s", expected, actual.stillApplied(),
                    report());
        }
        return this;
    }

    /** The step whose failure started the rollback. */
    public RunResultAssert failedAt(String step) {
        isNotNull();
        String was = actual.failedStep().orElse(null);
        if (!step.equals(was)) {
            failWithMessage("Expected run to fail at <%s> but was <%s>%n%s", step, was, report());
        }
        return this;
    }

    public RunResultAssert stepHasStatus(String step, StepStatus expected) {
        isNotNull();
        StepStatus was = actual.step(step).status();
        if (was != expected) {
            failWithMessage("Expected step '%s' status <%s> but was <%s>%n%s", step, expected, was, report());
        }
        return this;
    }

    /** How many steps did not run at all. */
    public RunResultAssert notRun(String... steps) {
        for (String s : steps) {
            stepHasStatus(s, StepStatus.NOT_RUN);
        }
        return this;
    }

    /** Number of failures kept in {@link RunResult#failure()} (cause plus suppressed). */
    public RunResultAssert hasFailureCount(int expected) {
        isNotNull();
        int was = actual.failure().map(f -> 1 + f.getSuppressed().length).orElse(0);
        if (was != expected) {
            failWithMessage("Expected <%s> failures but was <%s>%n%s", expected, was, report());
        }
        return this;
    }

    private String report() {
        return actual.report().toText();
    }
}
