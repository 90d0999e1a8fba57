package dev.backstep.testkit;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Compensation#precheck}: a rollback of a finished run asks every compensation it would run
 * before running any, and refuses as a whole; live rollbacks restore regardless.
 */
class CompensationPrecheckTest {
    @TempDir
    Path dir;
    final Journal journal = Journal.inMemory();
    final AtomicInteger prechecks = new AtomicInteger();

    Runner runner;

    /** One runner: it resolves the lambda steps' compensations from the plans it ran. */
    Runner runner() {
        if (runner == null) {
            runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build();
        }
        return runner;
    }

    /** Copies the file aside, then writes it; undo copies the backup back, refused up front when it is gone. */
    Step backedUpWrite(String name, Path file, String content) {
        Compensation restore = new Compensation() {
            @Override
            public void compensate(StepContext ctx) throws Exception {
                Files.copy(Path.of(ctx.recorded("backup").orElseThrow()), file,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }

            @Override
            public void precheck(StepContext ctx, Set<RollbackOption> options) {
                prechecks.incrementAndGet();
                Path backup = Path.of(ctx.recorded("backup").orElseThrow());
                if (!Files.exists(backup)) {
                    throw new IllegalStateException("backup " + backup + " is gone");
                }
            }
        };
        return Step.named(name).action(ctx -> {
            Path backup = dir.resolve(name + ".bak");
            ctx.record("backup", backup.toString());
            Files.copy(file, backup, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(file, content);
        }).compensation(restore).build();
    }

    /** A compensation that refuses unless the rollback is forced. */
    Step onlyWhenForced(String name, Path marker) {
        Compensation undo = new Compensation() {
            @Override
            public void compensate(StepContext ctx) throws Exception {
                Files.deleteIfExists(marker);
            }

            @Override
            public void precheck(StepContext ctx, Set<RollbackOption> options) {
                if (!options.contains(RollbackOption.FORCE)) {
                    throw new RollbackRefusedException("undoing " + marker + " needs FORCE");
                }
            }
        };
        return Step.named(name).action(ctx -> Files.writeString(marker, "x")).compensation(undo).build();
    }

    @Test
    void aLaterRollbackIsRefusedAsAWholeBeforeAnyCompensationRunsWhenOnePrecheckFails() throws Exception {
        Path a = Files.writeString(dir.resolve("a.conf"), "a=1\n");
        Path b = Files.writeString(dir.resolve("b.conf"), "b=1\n");
        RunResult done = runner().run(Plan.named("deploy").target("t")
                .step(backedUpWrite("a", a, "a=2\n"))
                .step(backedUpWrite("b", b, "b=2\n"))
                .build());
        assertThat(done).succeeded();
        Files.delete(dir.resolve("a.bak"));
        int recordsBefore = journal.read(done.runId()).size();

        assertThatThrownBy(() -> runner().rollback(done.runId(), RollbackOption.FORCE))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("run " + done.runId() + " cannot be rolled back, nothing was changed")
                .hasMessageContaining("step 'a': backup " + dir.resolve("a.bak") + " is gone")
                .hasMessageNotContaining("step 'b'")
                .hasCauseInstanceOf(IllegalStateException.class);

        // b's compensation would have worked and ran first in reverse order: it did not run either
        assertThat(b).hasContent("b=2\n");
        assertThat(a).hasContent("a=2\n");
        assertThat(prechecks).hasValue(2);
        assertThat(journal.read(done.runId())).hasSize(recordsBefore)
                .noneMatch(r -> r.type() == JournalRecord.Type.ROLLBACK_STARTED);
        assertThat(runner().summary(done.runId()).status()).contains(RunStatus.SUCCEEDED);

        Files.writeString(dir.resolve("a.bak"), "a=1\n");
        assertThat(runner().rollback(done.runId())).rolledBack().compensated("b", "a");
        assertThat(a).hasContent("a=1\n");
        assertThat(b).hasContent("b=1\n");
    }

    @Test
    void aPrecheckSeesTheRollbackOptionsAndIsNotAskedByALiveRollback() throws Exception {
        Path marker = dir.resolve("marker");
        RunResult done = runner().run(Plan.named("p").target("t").step(onlyWhenForced("mark", marker)).build());
        assertThatThrownBy(() -> runner().rollback(done.runId())).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("step 'mark': undoing " + marker + " needs FORCE");
        assertThat(marker).exists();
        assertThat(runner().rollback(done.runId(), RollbackOption.FORCE)).rolledBack().compensated("mark");
        assertThat(marker).doesNotExist();

        Path a = Files.writeString(dir.resolve("a.conf"), "a=1\n");
        RunResult live = runner().run(Plan.named("live").target("t")
                .step(onlyWhenForced("mark", marker))
                .step(backedUpWrite("a", a, "a=2\n"))
                .verify(Step.verification("health", ctx -> {
                    Files.delete(dir.resolve("a.bak"));
                    throw new IllegalStateException("unhealthy");
                }))
                .build());
        // restoring "before" is what a live failure needs: no precheck refuses it
        assertThat(live.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(live.compensated()).containsExactly("mark");
        assertThat(marker).doesNotExist();
        assertThat(prechecks).hasValue(0);
        assertThat(live.stillApplied()).containsExactly("a");
    }
}
