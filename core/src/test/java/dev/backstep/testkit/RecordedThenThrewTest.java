package dev.backstep.testkit;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunResult;
import dev.backstep.Step;
import dev.backstep.StepStatus;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step that recorded undo data and then threw may have half-changed its target: it is compensated. */
class RecordedThenThrewTest {
    static final String TYPE = "test.half-write";
    /** Restores the recorded content of the recorded file. */
    static final Compensation RESTORE = ctx -> {
        if (ctx.recorded("file").isPresent()) {
            Files.writeString(Path.of(ctx.recorded("file").get()), ctx.recorded("previous").orElseThrow());
        }
    };

    @TempDir
    Path dir;

    /** Records the file's content, writes half of the new content, then throws. */
    static Step halfWrite(Path file) {
        return new Step() {
            @Override
            public String name() {
                return "write config";
            }

            @Override
            public void execute(dev.backstep.StepContext ctx) throws Exception {
                ctx.record("file", file.toString());
                ctx.record("previous", Files.readString(file));
                Files.writeString(file, "listen=80\nworkers=");
                throw new java.io.IOException("disk full while writing " + file);
            }

            @Override
            public Compensation compensation() {
                return RESTORE;
            }

            @Override
            public String describe() {
                return "write " + file;
            }

            @Override
            public String type() {
                return TYPE;
            }
        };
    }

    @Test
    void aStepThatRecordedAndThenThrewIsCompensatedLive() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "listen=8080\nworkers=4\n");
        Path version = WriteFileStep.versionFile(dir);

        RunResult r = Backstep.runner().stateDir(dir.resolve("state")).journal(Journal.directory(dir.resolve("j")))
                .build().run(Plan.named("deploy").step(new WriteFileStep("version", version, "1.1"))
                        .step(halfWrite(conf)).build());

        assertThat(r).rolledBack().failedAt("write config").compensated("write config", "version");
        assertThat(conf).hasContent("listen=8080\nworkers=4\n");
        assertThat(version).hasContent("1.0");
        assertThat(r.step("write config").status()).isEqualTo(StepStatus.COMPENSATED);
    }

    @Test
    void aStepThatThrewBeforeRecordingAnythingStaysUncompensated() throws Exception {
        Path marker = dir.resolve("undo-ran");
        Step early = Step.named("check input").action(ctx -> {
            throw new IllegalArgumentException("bad input, nothing touched");
        }).compensation(ctx -> Files.writeString(marker, "ran")).build();
        Path version = WriteFileStep.versionFile(dir);

        RunResult r = Backstep.runner().stateDir(dir.resolve("state")).journal(Journal.directory(dir.resolve("j")))
                .build().run(Plan.named("deploy").step(new WriteFileStep("version", version, "1.1")).step(early)
                        .build());

        assertThat(r).rolledBack().failedAt("check input").compensated("version");
        assertThat(r.step("check input").status()).isEqualTo(StepStatus.FAILED);
        assertThat(marker).doesNotExist();
        assertThat(version).hasContent("1.0");
    }

    @Test
    void recoverCompensatesAStepThatRecordedAndThrewJustBeforeTheProcessDied() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "listen=8080\n");
        Path version = WriteFileStep.versionFile(dir);
        Journal full = Journal.inMemory();
        RunResult live = Backstep.runner().stateDir(dir.resolve("state")).journal(full).build()
                .run(Plan.named("deploy").step(new WriteFileStep("version", version, "1.1")).step(halfWrite(conf))
                        .build());
        List<JournalRecord> records = full.read(live.runId());
        int failedAt = 0;
        while (records.get(failedAt).type() != JournalRecord.Type.STEP_FAILED) {
            failedAt++;
        }
        assertThat(records.get(failedAt).data()).containsEntry("outcome", "unknown");
        // the process died right after journaling the failure: the files are as the step left them
        try (Journal onDisk = Journal.directory(dir.resolve("journal"))) {
            records.subList(0, failedAt + 1).forEach(onDisk::append);
        }
        Files.writeString(version, "1.1");
        Files.writeString(conf, "listen=80\nworkers=");

        Recovery recovery = Backstep.runner().stateDir(dir.resolve("state")).journal(Journal.directory(dir.resolve("journal")))
                .registry(StepRegistry.custom().register(TYPE, RESTORE)
                        .register(WriteFileStep.TYPE, WriteFileStep.COMPENSATION).build())
                .build().recover();

        assertThat(recovery.recovered()).singleElement().satisfies(r -> assertThat(r).rolledBack()
                .compensated("write config", "version"));
        assertThat(conf).hasContent("listen=8080\n");
        assertThat(version).hasContent("1.0");
    }

    @Test
    void aStepThatRecordedAndThrewWhoseCompensationFailedIsReportedStillApplied() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "listen=8080\n");
        Step half = Step.named("write config").action(ctx -> {
            ctx.record("old", Files.readString(conf));
            Files.writeString(conf, "listen=");
            throw new IllegalStateException("disk full halfway");
        }).compensation(ctx -> {
            throw new IllegalStateException("cannot restore either");
        }).build();

        RunResult r = Backstep.runner().stateDir(dir.resolve("state")).journal(Journal.directory(dir.resolve("j")))
                .build().run(Plan.named("deploy").step(half).build());

        assertThat(r.status()).isNotEqualTo(dev.backstep.RunStatus.ROLLED_BACK);
        assertThat(r.step("write config").status()).isEqualTo(StepStatus.COMPENSATION_FAILED);
        assertThat(r.stillApplied()).as("its half-written change is still in place").containsExactly("write config");
        assertThat(r.report().toText()).contains("write config");
        assertThat(conf).hasContent("listen=");
    }
}
