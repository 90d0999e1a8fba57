package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.files.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepHarnessTest {
    @TempDir
    Path dir;

    @Test
    void executesAndCompensatesFromTheRecordedValuesOnly() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "old");
        StepHarness h = StepHarness.of(ConfigFile.replace(conf, "new")).backupRoot(dir.resolve("backups"));

        h.validate().execute();
        assertThat(conf).hasContent("new");
        assertThat(h.recorded()).isNotEmpty();

        h.compensate();
        assertThat(conf).hasContent("old");
    }

    @Test
    void compensatesAsIfTheProcessDiedBeforeRecordingAnything() throws Exception {
        Path file = dir.resolve("VERSION");
        Files.writeString(file, "1.0");
        StepHarness h = StepHarness.of(new WriteFileStep("version", file, "1.1"));

        h.compensateFrom(Map.of("file", file.toString(), "existed", "false"));

        assertThat(file).doesNotExist();
    }

    @Test
    void refusesRecordingOutsideTheAction() {
        StepHarness h = StepHarness.of(dev.backstep.Step.named("bad").action(ctx -> { })
                .compensation(ctx -> ctx.record("k", "v")).build());

        assertThatThrownBy(h::compensate).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only in its action");
    }
}
