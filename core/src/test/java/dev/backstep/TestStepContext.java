package dev.backstep;

import dev.backstep.testkit.StepHarness;
import java.nio.file.Path;
import java.util.Map;

/** Contexts for calling a step's methods directly, with real commands, from the test kit's {@link StepHarness}. */
final class TestStepContext {
    private TestStepContext() {
    }

    static StepContext forward(Step step, Path backupRoot) {
        return StepHarness.of(step).backupRoot(backupRoot).context(StepContext.Phase.FORWARD);
    }

    static StepContext validating(Step step, Path backupRoot) {
        return StepHarness.of(step).backupRoot(backupRoot).context(StepContext.Phase.VALIDATE);
    }

    /** A compensation context that knows only {@code values}, as in another process. */
    static StepContext compensating(Step step, Map<String, String> values, Path backupRoot) {
        return StepHarness.of(step).backupRoot(backupRoot).compensationContext(values);
    }
}
