package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash rehearsal's bad input (refused before any JVM starts) and its sampling of boundaries. */
class CrashRehearsalTest {
    static final class NotPublic implements PlanFactory {
        @Override
        public Plan plan(Path dir) {
            return Plan.named("x").build();
        }
    }

    public static final class NoDefaultConstructor implements PlanFactory {
        public NoDefaultConstructor(String unused) {
        }

        @Override
        public Plan plan(Path dir) {
            return Plan.named("x").build();
        }
    }

    @Test
    void aFactoryThatCannotBeCreatedInAChildJvmIsRefusedUpFront() {
        assertThatThrownBy(() -> CrashRehearsal.of(NotPublic.class)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("must be a public class implementing PlanFactory");
        assertThatThrownBy(() -> CrashRehearsal.of(NoDefaultConstructor.class)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("needs a public no-arg constructor");
    }

    @Test
    void badLimitsAndAMissingDirectoryAreRefused() {
        CrashRehearsal c = CrashRehearsal.of(CrashRehearsalIT.FilesDeploy.class);
        assertThatThrownBy(() -> c.maxBoundaries(1)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("maxBoundaries(n) needs n >= 2");
        assertThatThrownBy(() -> c.childTimeout(Duration.ZERO)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("childTimeout must be positive");
        assertThatThrownBy(c::run).isInstanceOf(BackstepException.class).hasMessageContaining("call in(dir) first");
    }

    @Test
    void aDirectoryThatIsNotEmptyIsRefusedBeforeAnyJvmStarts(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("left-over"), "x");
        assertThatThrownBy(() -> CrashRehearsal.of(CrashRehearsalIT.FilesDeploy.class).in(tmp).run())
                .isInstanceOf(BackstepException.class).hasMessageContaining("needs an empty directory")
                .hasMessageContaining(tmp.toString());
        try (var entries = Files.list(tmp)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("left-over");
        }
    }

    @Test
    void moreBoundariesThanTheCapAreSampledEvenlyWithTheFirstAndTheLast() {
        assertThat(CrashRehearsal.points(5, 40)).containsExactly(1, 2, 3, 4, 5);
        assertThat(CrashRehearsal.points(100, 10)).hasSize(10).startsWith(1).endsWith(100).isSorted();
    }
}
