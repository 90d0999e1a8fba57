package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A check of one's own built on {@link PollingCheck}, as an adapter builds one: only its public and protected API. */
class PollingCheckTest {
    @TempDir
    Path tmp;

    /** Passes while a file exists; counts its attempts. */
    static final class FileExists extends PollingCheck<FileExists> {
        private final Path file;
        private final AtomicInteger attempts;

        private FileExists(String name, Path file, AtomicInteger attempts, Schedule schedule) {
            super(name, "test.fileExists", schedule);
            this.file = file;
            this.attempts = attempts;
        }

        static FileExists of(Path file, AtomicInteger attempts) {
            return new FileExists(file.getFileName() + " exists", file, attempts, Schedule.ONCE);
        }

        @Override
        protected FileExists copy(String name, Schedule schedule) {
            return new FileExists(name, file, attempts, schedule);
        }

        @Override
        public void execute(StepContext ctx) throws Exception {
            poll(ctx, c -> {
                attempts.incrementAndGet();
                if (!Files.exists(file)) {
                    throw new IOException("expected " + file.getFileName() + " to exist but it does not");
                }
            });
        }

        @Override
        public String describe() {
            return "check " + name() + polled();
        }
    }

    @Test
    void pollsTheAttemptUntilItPassesOftenEnoughInARow() throws Exception {
        Path ready = tmp.resolve("ready");
        AtomicInteger attempts = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(200);
                Files.writeString(ready, "yes");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FileExists check = FileExists.of(ready, attempts)
                .within(Duration.ofSeconds(60)).every(Duration.ofMillis(20)).consecutive(3);

        writer.start();
        check.execute(CheckContext.forward(check, tmp));
        writer.join(Duration.ofSeconds(30).toMillis());

        assertThat(attempts.get()).isGreaterThanOrEqualTo(4); // at least one failure, then three passes
        assertThat(check.describe()).isEqualTo("check ready exists (within 1 min, every 20 ms, 3 passes in a row)");
        assertThat(check.schedule()).hasToString("within 1 min, every 20 ms, 3 passes in a row");
    }

    @Test
    void aFailureNamesTheCheckThenTheLastAttemptsProblem() {
        FileExists check = FileExists.of(tmp.resolve("missing"), new AtomicInteger())
                .within(Duration.ofSeconds(3)).every(Duration.ofMillis(10));

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageStartingWith("missing exists: expected missing to exist but it does not [")
                .hasMessageContaining("IOException, IOException, IOException]")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void isAVerificationWithNothingToUndoTriedOnceByDefault() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        FileExists check = FileExists.of(tmp.resolve("missing"), attempts);

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("missing exists: expected missing to exist but it does not");
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(check.kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(check.compensation()).isSameAs(Check.COMPENSATION);
        assertThat(check.type()).isEqualTo("test.fileExists");
        assertThat(check.schedule()).isSameAs(PollingCheck.Schedule.ONCE).hasToString("once");
        assertThat(check).hasToString("FileExists[missing exists]");
    }

    @Test
    void settingsAndNameReturnTheSameClassAndKeepEachOther() {
        FileExists check = FileExists.of(tmp.resolve("ready"), new AtomicInteger())
                .within(Duration.ofSeconds(5)).withName("marker").every(Duration.ofMillis(500));

        assertThat(check.name()).isEqualTo("marker");
        assertThat(check).hasToString("FileExists[marker]");
        assertThat(check.describe()).isEqualTo("check marker (within 5 s, every 500 ms)");
    }

    @Test
    void validateRefusesSettingsThatContradictEachOther() {
        FileExists once = FileExists.of(tmp.resolve("ready"), new AtomicInteger()).consecutive(3);

        CheckContext.refusedByValidation(once, tmp)
                .hasMessage("step 'ready exists': consecutive(3) needs within(...): without it the check is tried only once");
    }

    @Test
    void refusesBadSettingsWhenBuiltNamingTheCheck() {
        FileExists check = FileExists.of(tmp.resolve("ready"), new AtomicInteger());

        assertThatThrownBy(() -> check.within(Duration.ZERO))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("ready exists")
                .hasMessageContaining("within must be a positive duration, was PT0S");
        assertThatThrownBy(() -> check.every(null))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("every must be a positive duration, was null");
        assertThatThrownBy(() -> check.consecutive(0))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("consecutive(0) must be at least 1");
        assertThatThrownBy(() -> check.withName(" "))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("check ready exists: a check needs a non-blank name, was ' '");
    }
}
