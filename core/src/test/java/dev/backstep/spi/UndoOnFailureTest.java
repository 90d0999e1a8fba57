package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step changing two files in one action puts the first back itself when the second fails. */
class UndoOnFailureTest {
    @TempDir
    Path tmp;
    @TempDir
    Path state;

    static final Compensation RESTORE_FIRST = ctx -> Files.writeString(Path.of(ctx.recorded("first").orElseThrow()),
            ctx.recorded("first.was").orElseThrow());

    /** Writes {@code version} into {@code first}, then into {@code second}; undo restores the first. */
    static final class WriteTwo extends AbstractStep {
        private final Path first;
        private final Path second;
        private final Compensation undo;

        WriteTwo(Path first, Path second, Compensation undo) {
            super("write two", "test.writeTwo");
            this.first = first;
            this.second = second;
            this.undo = undo;
        }

        @Override
        public WriteTwo withName(String newName) {
            return this;
        }

        @Override
        public void execute(StepContext ctx) throws Exception {
            ctx.record("first", first.toString());
            ctx.record("first.was", Files.readString(first));
            UndoOnFailure.run(() -> {
                Files.writeString(first, "2");
                Files.writeString(second, "2");
            }, undo, ctx);
        }

        @Override
        public Compensation compensation() {
            return undo;
        }

        @Override
        public String describe() {
            return "write 2 into " + first + " and " + second;
        }
    }

    private RunResult run(WriteTwo step) {
        Runner runner = Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal"))).build();
        return runner.run(Plan.named("deploy").step(step).build());
    }

    @Test
    void whenTheActionFailsHalfwayTheStepPutsBackWhatItChangedAndTheFailureLeavesTheStep() throws IOException {
        Path first = tmp.resolve("first");
        Files.writeString(first, "1");

        RunResult r = run(new WriteTwo(first, tmp.resolve("missing-dir").resolve("second"), RESTORE_FIRST));

        assertThat(r.status()).isNotEqualTo(RunStatus.SUCCEEDED);
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

        RunResult r = run(new WriteTwo(first, tmp.resolve("missing-dir").resolve("second"), broken));

        Throwable cause = r.step("write two").error().orElseThrow().getCause();
        assertThat(cause).isInstanceOf(NoSuchFileException.class);
        assertThat(cause.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("undo broke"));
    }

    @Test
    void whenTheActionSucceedsTheUndoDoesNotRun() throws IOException {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        Files.writeString(first, "1");

        RunResult r = run(new WriteTwo(first, second, RESTORE_FIRST));

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(first)).isEqualTo("2");
        assertThat(Files.readString(second)).isEqualTo("2");
    }
}
