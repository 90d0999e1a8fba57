package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomCheckTest {
    @TempDir
    Path tmp;

    @Test
    void pollsAnAssertionUntilItHolds() throws Exception {
        Path marker = tmp.resolve("ready");
        AtomicInteger tries = new AtomicInteger();
        CustomCheck check = Check.that("marker written", ctx -> {
            if (tries.incrementAndGet() == 3) {
                Files.writeString(marker, "yes");
            }
            assertThat(marker).hasContent("yes");
        }).within(Duration.ofSeconds(30)).every(Duration.ofMillis(10));

        check.execute(CheckContext.forward(check, tmp));

        assertThat(tries.get()).isEqualTo(3);
        assertThat(check.kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(check.type()).isEqualTo("check.custom");
    }

    @Test
    void failsWithTheLastAttemptsMessageAndCause() {
        // three attempts 10 ms apart must fit in the window even on a loaded machine
        CustomCheck check = Check.that("queue drained", ctx -> assertThat(17).as("queue depth").isZero())
                .within(Duration.ofSeconds(3)).every(Duration.ofMillis(10));

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageStartingWith("queue drained: [queue depth]")
                .hasMessageContaining("but was: 17 [")
                .hasMessageContaining("AssertionFailedError, AssertionFailedError, AssertionFailedError]")
                .hasCauseInstanceOf(AssertionError.class);
    }

    @Test
    void stopsWhenCancelled() {
        AtomicInteger tries = new AtomicInteger();
        CustomCheck check = Check.that("never", ctx -> {
            tries.incrementAndGet();
            throw new IllegalStateException("not yet");
        }).within(Duration.ofMinutes(10)).every(Duration.ofMillis(10));
        StepContext ctx = CheckContext.forward(check, tmp, () -> tries.get() >= 2);

        assertThatThrownBy(() -> check.execute(ctx)).isInstanceOf(StepCancelledException.class);
        assertThat(tries.get()).isEqualTo(2);
    }

    @Test
    void refusesBadInputWhenBuilt() {
        assertThatThrownBy(() -> Check.that(null, ctx -> { })).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.that("x", null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.that("x", ctx -> { }).within(Duration.ZERO))
                .isInstanceOf(PlanDefinitionException.class);
    }
}
