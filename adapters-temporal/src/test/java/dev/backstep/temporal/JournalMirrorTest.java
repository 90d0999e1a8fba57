package dev.backstep.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.db.journal.JdbcJournal;
import dev.backstep.spi.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs finished on Temporal are also written to a shared JDBC journal, in Backstep's own format. */
@Timeout(120)
class JournalMirrorTest {
    @TempDir
    Path root;

    @Test
    void runsAndRollbacksFinishedOnTemporalAppearInTheJdbcJournalAndReplayThere() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:mirror;DB_CLOSE_DELAY=-1");
        JdbcJournal journal = JdbcJournal.create(ds);
        try (FleetFixture fleet = FleetFixture.start(root, List.of("web-1"), PlanRunTest::catalog, journal)) {
            Files.writeString(fleet.dir("web-1").resolve("app.conf"), "version=1\n");
            Files.createDirectories(fleet.dir("web-1").resolve("build"));
            Files.writeString(fleet.dir("web-1").resolve("build/index.html"), "v2");
            RunId ok = RunId.of("mirror-ok");
            fleet.workflows.run(ok, PlanRef.of("deploy-web", "web-1").with("version", "2"), Duration.ofSeconds(60));
            // a second deploy of the same version fails: its release directory exists already
            RunId failed = RunId.of("mirror-failed");
            RunStatus second = fleet.workflows.run(failed, PlanRef.of("deploy-web", "web-1").with("version", "2"),
                    Duration.ofSeconds(60)).status();
            fleet.workflows.rollback(ok, Duration.ofSeconds(60));

            List<JournalRecord> records = journal.read(ok);
            assertThat(records).extracting(JournalRecord::type).startsWith(JournalRecord.Type.RUN_STARTED)
                    .contains(JournalRecord.Type.STEP_RECORDED, JournalRecord.Type.STEP_SUCCEEDED,
                            JournalRecord.Type.ROLLBACK_STARTED, JournalRecord.Type.COMPENSATION_SUCCEEDED)
                    .endsWith(JournalRecord.Type.RUN_FINISHED);
            assertThat(records).extracting(JournalRecord::sequence)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, records.size()).boxed().toList());
            assertThat(journal.verify()).isEmpty();

            Runner local = Backstep.runner().journal(journal).stateDir(root.resolve("local-state")).build();
            assertThat(local.history("web-1")).extracting(RunSummary::runId).containsExactlyInAnyOrder(ok, failed);
            assertThat(local.summary(ok).status()).contains(RunStatus.ROLLED_BACK);
            assertThat(local.summary(failed).status()).contains(second);
            assertThat(second).isNotEqualTo(RunStatus.SUCCEEDED);
        }
    }
}
