package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.testkit.StepHarness;
import java.util.Map;

/**
 * Contexts over real resources for driving one git step directly, from the test kit's
 * {@link StepHarness}: the sandbox's real commands (or a runner that dies halfway), a real backup
 * directory, and compensation contexts that know nothing but the recorded values (as after a
 * restart).
 */
final class GitHarness {
    private GitHarness() {
    }

    /**
     * Asserts that validating {@code step} throws a {@link StepValidationException} whose message
     * contains {@code message}, caused by a {@link GitException} of {@code reason}.
     */
    static void assertRefusedByValidation(GitSandbox sandbox, Step step, String message, GitException.Reason reason) {
        assertThatThrownBy(() -> step.validate(validation(sandbox, step)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining(message)
                .cause().isInstanceOfSatisfying(GitException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /**
     * Asserts that executing {@code step} throws a {@link GitException} of {@code reason} whose
     * message contains {@code message}.
     */
    static void assertExecutionFails(GitSandbox sandbox, Step step, String message, GitException.Reason reason) {
        StepContext ctx = forward(sandbox, step);
        assertThatThrownBy(() -> step.execute(ctx))
                .isInstanceOfSatisfying(GitException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    static StepHarness harness(CommandRunner commands, GitSandbox sandbox, Step step) {
        return StepHarness.of(step).commands(commands).backupRoot(sandbox.root().resolve("backups"))
                .runId(RunId.of("test-run"));
    }

    static StepContext forward(GitSandbox sandbox, Step step) {
        return forward(sandbox.commands(), sandbox, step);
    }

    static StepContext forward(CommandRunner commands, GitSandbox sandbox, Step step) {
        return harness(commands, sandbox, step).context(StepContext.Phase.FORWARD);
    }

    /** Runs {@code step} forward with the sandbox's commands; its context holds what it recorded. */
    static StepContext execute(GitSandbox sandbox, Step step) throws Exception {
        StepContext ctx = forward(sandbox, step);
        step.execute(ctx);
        return ctx;
    }

    /** Undoes {@code step} from nothing but the values its forward context {@code ctx} recorded. */
    static void undo(GitSandbox sandbox, Step step, StepContext ctx) throws Exception {
        step.compensation().compensate(compensation(sandbox, step, ctx.recordedValues()));
    }

    static StepContext validation(GitSandbox sandbox, Step step) {
        return validation(sandbox.commands(), sandbox, step);
    }

    static StepContext validation(CommandRunner commands, GitSandbox sandbox, Step step) {
        return harness(commands, sandbox, step).context(StepContext.Phase.VALIDATE);
    }

    /** A compensation context that knows nothing but the recorded values (as after a restart). */
    static StepContext compensation(GitSandbox sandbox, Step step, Map<String, String> recorded) {
        return compensation(sandbox.commands(), sandbox, step, recorded);
    }

    static StepContext compensation(CommandRunner commands, GitSandbox sandbox, Step step,
                                    Map<String, String> recorded) {
        return harness(commands, sandbox, step).compensationContext(recorded);
    }
}
