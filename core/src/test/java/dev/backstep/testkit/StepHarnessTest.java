package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.files.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void fingerprintIsReadOnly() {
        StepHarness backs = StepHarness.of(Step.named("backs up").action(ctx -> { })
                .fingerprint(ctx -> List.of(Fingerprint.of("dir", "path", ctx.backupDir().toString()))).build())
                .backupRoot(dir);
        StepHarness records = StepHarness.of(Step.named("records").action(ctx -> { })
                .fingerprint(ctx -> {
                    ctx.record("k", "v");
                    return List.of();
                }).build());

        assertThatThrownBy(backs::fingerprint).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must not create a backup directory");
        assertThat(dir).isEmptyDirectory();
        assertThatThrownBy(records::fingerprint).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancelWhenCancelsTheStepWhenTheSupplierSaysSo() {
        AtomicInteger polls = new AtomicInteger();
        StepHarness h = StepHarness.of(Step.named("waits").action(ctx -> {
            for (int i = 0; i < 1_000; i++) {
                polls.incrementAndGet();
                ctx.throwIfCancelled();
            }
        }).build()).cancelWhen(() -> polls.get() >= 3);

        assertThatThrownBy(h::execute).isInstanceOf(StepCancelledException.class);
        assertThat(polls).hasValue(3);
    }

    @Test
    void recordLogKeepsEveryRecordCallInOrderAndRecordedTheLastValues() throws Exception {
        StepHarness h = StepHarness.of(Step.named("twice").action(ctx -> {
            ctx.record("b", "first");
            ctx.record("a", "1");
            ctx.record("b", "second");
        }).build());

        h.execute();

        assertThat(h.recordLog()).containsExactly(Map.entry("b", "first"), Map.entry("a", "1"), Map.entry("b", "second"));
        assertThat(h.recorded()).containsExactly(Map.entry("b", "second"), Map.entry("a", "1"));
    }

    @Test
    void contextsHandedToTheStepByTheTestShareTheRecordedValues() throws Exception {
        Step step = Step.named("s").action(ctx -> ctx.record("k", "v")).build();
        StepHarness h = StepHarness.of(step);

        StepContext forward = h.context(StepContext.Phase.FORWARD);
        step.execute(forward);

        assertThat(h.recorded()).containsExactly(Map.entry("k", "v"));
        assertThat(h.context(StepContext.Phase.COMPENSATE).recordedValues()).containsExactly(Map.entry("k", "v"));
        assertThat(h.context(StepContext.Phase.VALIDATE).recordedValues()).isEmpty();
        assertThat(h.compensationContext(Map.of("x", "y")).recordedValues()).containsExactly(Map.entry("x", "y"));
        assertThat(h.compensationContext(Map.of()).phase()).isEqualTo(StepContext.Phase.COMPENSATE);
    }
}
