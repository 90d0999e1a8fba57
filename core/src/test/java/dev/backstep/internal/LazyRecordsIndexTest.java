package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback's start is a lazy record ({@link RunJournal#lazy}); the journal index must still hear
 * of it, or {@code recover()} would never find a later rollback whose process died.
 */
class LazyRecordsIndexTest {
    @TempDir
    Path tmp;

    @Test
    void aLazilyAppendedRollbackStartReopensTheRunForRecoverInTheSameJournal() throws Exception {
        Plan plan = Plan.named("deploy").target("shop@prod")
                .step(Step.named("a").action(ctx -> ctx.record("v", "1")).compensation(ctx -> { }).build())
                .build();
        try (Journal journal = Journal.directory(tmp.resolve("journal"))) {
            RunResult r = Backstep.runner().journal(journal).stateDir(tmp.resolve("state")).build().run(plan);
            assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            RunId run = r.runId();
            assertThat(journal.unfinishedRuns()).isEmpty();

            long next = journal.read(run).size();
            journal.appendLazily(new JournalRecord(run, next, Instant.now(), JournalRecord.Type.ROLLBACK_STARTED,
                    Optional.empty(), Map.of(JournalRecord.Keys.REASON, "a later rollback")));

            assertThat(journal.unfinishedRuns()).containsExactly(run);
        }
    }
}
