package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.RetryPolicy;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step changing two files in one action puts the first back itself when the second fails. */
class UndoOnFailureTest {
    @TempDir
    Path tmp;
    @TempDir
    Path state;

    /** A step writing 2 into {@code first}, then into {@code second}; {@code undo} restores the first. */
    private static Step writeTwo(Path first, Path second, Compensation undo) {
        return writeTwo(first, second, undo, RetryPolicy.none(), new ArrayList<>());
    }

    /** As above, retried by {@code retry}, each attempt adding what it finds in {@code first} to {@code found}. */
    private static Step writeTwo(Path first, Path second, Compensation undo, RetryPolicy retry, List<String> found) {
        return Step.named("write two").action(ctx -> {
            found.add(Files.readString(first));
            ctx.record("file", first.toString());
            ctx.record("previous", Files.readString(first));
            UndoOnFailure.run(() -> {
                Files.writeString(first, "2");
                Files.writeString(second, "2");
            }, undo, ctx);
        }).compensation(undo).describe("write 2 into " + first + " and " + second).retry(retry).build();
    }

    private RunResult run(Step step) {
        Runner runner = Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal"))).build();
        return runner.run(Plan.named("deploy").step(step).build());
    }

    @Test
    void whenTheActionFailsHalfwayTheStepIsPutBackBeforeTheFailureLeavesItSoARetryStartsFromTheBefore()
            throws IOException {
        Path first = tmp.resolve("first");
        Files.writeString(first, "1");
        RetryPolicy twice = RetryPolicy.custom().maxAttempts(2).delay(Duration.ZERO).build();
        List<String> found = Collections.synchronizedList(new ArrayList<>());

        RunResult r = run(writeTwo(first, tmp.resolve("missing-dir").resolve("second"), AbstractStepTest.RESTORE,
                twice, found));

        assertThat(r.status()).isNotEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.step("write two").attempts()).isEqualTo(2);
        assertThat(found).containsExactly("1", "1");
        Throwable cause = r.step("write two").error().orElseThrow().getCause();
        assertThat(cause).isInstanceOf(NoSuchFileException.class);
        assertThat(cause.getSuppressed()).isEmpty();
        assertThat(Files.readString(first)).isEqualTo("1");
    }

    @Test
    void aFailingUndoIsSuppressedIntoTheActionsFailureNotHidingIt() throws IOException {
        Path first = tmp.resolve("first");
        Files.writeString(first, "1");
        Compensation broken = ctx -> {
            throw new IOException("undo broke");
        };

        RunResult r = run(writeTwo(first, tmp.resolve("missing-dir").resolve("second"), broken));

        Throwable cause = r.step("write two").error().orElseThrow().getCause();
        assertThat(cause).isInstanceOf(NoSuchFileException.class);
        assertThat(cause.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("undo broke"));
    }

    @Test
    void whenTheActionSucceedsTheUndoDoesNotRun() throws IOException {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        Files.writeString(first, "1");

        RunResult r = run(writeTwo(first, second, AbstractStepTest.RESTORE));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(first)).isEqualTo("2");
        assertThat(Files.readString(second)).isEqualTo("2");
    }
}
