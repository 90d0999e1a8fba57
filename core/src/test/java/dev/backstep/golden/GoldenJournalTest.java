package dev.backstep.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.StepStatus;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals written by format version 1 (the files in {@code src/test/resources/golden/journal-v1},
 * written by the code of 2026-12-03 and never regenerated) stay readable, in order, and
 * rollbackable by every later version. A change that breaks this test breaks every user's
 * existing journal: add a migration instead of editing the files.
 */
class GoldenJournalTest {
    private static final RunId GOOD = RunId.of("20261203-170023.457-000000c842");
    private static final RunId ROLLED_BACK = RunId.of("20261203-170026.764-000000267b");
    private static final RunId NEWEST = RunId.of("20261203-170028.096-000000e136");

    @TempDir
    Path state;

    private Path copyGolden() throws IOException {
        Path runs = Files.createDirectories(state.resolve("runs"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (RunId id : List.of(GOOD, ROLLED_BACK, NEWEST)) {
            String name = id.value() + ".jsonl";
            try (InputStream in = getClass().getResourceAsStream("/golden/journal-v1/runs/" + name)) {
                assertThat(in).as("golden file %s", name).isNotNull();
                Path file = runs.resolve(name);
                Files.copy(in, file);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        }
        return state;
    }

    @Test
    void versionOneJournalsVerifyCleanAndReplayInTheOrderTheRunsTookTheLock() throws IOException {
        try (Journal journal = Journal.directory(copyGolden())) {
            assertThat(journal.verify()).as("damage found in a golden journal").isEmpty();
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();

            List<RunSummary> history = runner.history("shop@prod");

            assertThat(history).extracting(RunSummary::runId).containsExactly(GOOD, ROLLED_BACK, NEWEST);
            assertThat(history).extracting(RunSummary::planName)
                    .containsExactly("deploy shop 1.0.0", "deploy shop 1.1.0", "deploy shop 1.2.0");
            assertThat(history).extracting(s -> s.status().orElseThrow())
                    .containsExactly(RunStatus.SUCCEEDED, RunStatus.ROLLED_BACK, RunStatus.SUCCEEDED);
            assertThat(history).extracting(RunSummary::good).containsExactly(true, false, false);
            assertThat(runner.lastGood("shop@prod")).map(RunSummary::runId).contains(GOOD);
            assertThat(runner.recover().nothingToDo()).isTrue();
        }
    }

    @Test
    void aVersionOneRunIsRolledBackFromItsJournalAloneKeepingWhatItCouldNotUndo() throws IOException {
        try (Journal journal = Journal.directory(copyGolden())) {
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();

            RunResult result = runner.rollback(NEWEST);

            assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(result.steps()).extracting(s -> s.name() + "=" + s.status())
                    .containsExactly("warm cache=" + StepStatus.COMPENSATED, "notify=" + StepStatus.NOT_COMPENSATED);
            assertThat(runner.summary(NEWEST).status()).contains(RunStatus.ROLLED_BACK);
        }
    }
}
