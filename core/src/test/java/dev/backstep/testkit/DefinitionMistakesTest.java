package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import dev.backstep.testkit.DefinitionMistakes.Mistake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionMistakesTest {
    @TempDir
    Path dir;

    static final Runnable NEGATIVE_TIMEOUT = () -> Step.named("migrate").action(ctx -> { })
            .timeout(Duration.ofSeconds(-1));

    @Test
    void passesARefusalThatNamesTheStepAndValueAndReturnsIt() {
        PlanDefinitionException e = DefinitionMistakes.leaving(dir).refuses(Mistake.exact("a negative timeout",
                NEGATIVE_TIMEOUT, "migrate", "step 'migrate': timeout must be positive, was PT-1S"));

        assertThat(e.problem()).isEqualTo("timeout must be positive, was PT-1S");
        DefinitionMistakes.leaving(dir).refuses(Mistake.containing("parts", NEGATIVE_TIMEOUT, "migrate", "PT-1S",
                "must be positive"));
    }

    @Test
    void failsWhenTheCallIsNotRefused() {
        assertThatThrownBy(() -> DefinitionMistakes.leaving(dir).refuses(Mistake.exact("accepted", () -> { }, null,
                "x"))).isInstanceOf(AssertionError.class).hasMessageContaining("accepted");
    }

    @Test
    void failsWhenTheRefusalIsNotADefinitionErrorOrIsOfAnExcludedType() {
        assertThatThrownBy(() -> DefinitionMistakes.leaving(dir).refuses(Mistake.containing("state", () -> {
            throw new IllegalStateException("x");
        }, null))).isInstanceOf(AssertionError.class).hasMessageContaining("BackstepException");
        assertThatThrownBy(() -> DefinitionMistakes.leaving(dir).notA(PlanDefinitionException.class)
                .refuses(Mistake.containing("excluded", NEGATIVE_TIMEOUT, "migrate")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("excluded");
    }

    @Test
    void failsOnAnotherMessageStepOrPlan() {
        DefinitionMistakes check = DefinitionMistakes.leaving(dir);
        assertThatThrownBy(() -> check.refuses(Mistake.exact("message", NEGATIVE_TIMEOUT, "migrate", "other")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> check.refuses(Mistake.containing("part", NEGATIVE_TIMEOUT, "migrate", "PT-2S")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> check.refuses(Mistake.containing("step", NEGATIVE_TIMEOUT, "seed")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("step name");
        assertThatThrownBy(() -> check.refuses(Mistake.containing("plan", NEGATIVE_TIMEOUT, "migrate")
                .inPlan("deploy"))).isInstanceOf(AssertionError.class).hasMessageContaining("plan name");
    }

    @Test
    void failsWhenTheMessageShowsASecret() {
        DefinitionMistakes check = DefinitionMistakes.leaving(dir).neverShowing("PT-1S");
        assertThatThrownBy(() -> check.refuses(Mistake.containing("secret", NEGATIVE_TIMEOUT, "migrate")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("PT-1S");
    }

    @Test
    void failsWhenTheCallChangedAFileItsModeOrAnotherWatchedState() throws Exception {
        Path file = Files.writeString(dir.resolve("app.conf"), "old");
        DefinitionMistakes check = DefinitionMistakes.leaving(dir);
        assertThatThrownBy(() -> check.refuses(Mistake.containing("writes first", () -> {
            write(file, "new");
            NEGATIVE_TIMEOUT.run();
        }, "migrate"))).isInstanceOf(AssertionError.class).hasMessageContaining("nothing changed");
        assertThatThrownBy(() -> check.refuses(Mistake.containing("chmods first", () -> {
            file.toFile().setExecutable(true);
            NEGATIVE_TIMEOUT.run();
        }, "migrate"))).isInstanceOf(AssertionError.class).hasMessageContaining("nothing changed");

        List<String> tables = new ArrayList<>();
        DefinitionMistakes withTables = DefinitionMistakes.leaving(dir).alsoLeaving("tables", () -> List.copyOf(tables));
        assertThatThrownBy(() -> withTables.refuses(Mistake.containing("creates a table", () -> {
            tables.add("orders");
            NEGATIVE_TIMEOUT.run();
        }, "migrate"))).isInstanceOf(AssertionError.class).hasMessageContaining("orders");
    }

    @Test
    void aTreeIsEveryEntryWithItsModeAndForFilesItsContent() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Path file = Files.writeString(dir.resolve("a/b.txt"), "x");
        var before = DefinitionMistakes.tree(dir);

        assertThat(before).containsOnlyKeys("", "a", "a/b.txt");
        assertThat(before.get("a/b.txt")).startsWith("rw").endsWith(":1");
        write(file, "y");
        assertThat(DefinitionMistakes.tree(dir)).isNotEqualTo(before);
    }

    static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
