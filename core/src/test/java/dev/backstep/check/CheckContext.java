package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.testkit.StepHarness;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.assertj.core.api.AbstractThrowableAssert;

/** Contexts for calling a check directly, from the test kit's {@link StepHarness}: real commands, a cancel switch. */
final class CheckContext {
    private CheckContext() {
    }

    private static StepHarness harness(Step step, Path dir) {
        return StepHarness.of(step).backupRoot(dir).runId(RunId.of("check-test"));
    }

    static StepContext forward(Step step, Path dir) {
        return harness(step, dir).context(StepContext.Phase.FORWARD);
    }

    /**
     * A forward context that is cancelled whenever {@code cancelled} says so (as the runner's is at
     * a step timeout); the check asks before each attempt and while sleeping.
     */
    static StepContext forward(Step step, Path dir, BooleanSupplier cancelled) {
        return harness(step, dir).cancelWhen(cancelled).context(StepContext.Phase.FORWARD);
    }

    static StepContext validating(Step step, Path dir) {
        return harness(step, dir).context(StepContext.Phase.VALIDATE);
    }

    /**
     * Asserts that validating {@code check}, as the runner does before the plan's first step,
     * throws a {@link StepValidationException}; chain what its message must say.
     */
    static AbstractThrowableAssert<?, ? extends Throwable> refusedByValidation(Step check, Path dir) {
        return assertThatThrownBy(() -> check.validate(validating(check, dir)))
                .isInstanceOf(StepValidationException.class);
    }

    /** Validates {@code check}, then runs it forward, as the runner would. */
    static void run(Step check, Path dir) throws Exception {
        check.validate(validating(check, dir));
        check.execute(forward(check, dir));
    }
}
