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
import dev.backstep.StepStatus;
import dev.backstep.spi.Journal;
import dev.backstep.spi.RestoreBound;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step whose undo restores captured data is bounded by its RestoreBound in later rollbacks. */
class RestoreBoundTest {
    @TempDir
    Path dir;
    final Journal journal = Journal.inMemory();
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));

    Runner runner() {
        return Backstep.runner().journal(journal).stateDir(dir.resolve("state")).clock(clock).build();
    }

    /** The application's data file, {@code orders.csv}, with one order. */
    Path orders() throws IOException {
        return Files.writeString(dir.resolve("orders.csv"), "1,olena\n");
    }

    /** Copies the data file aside; its undo copies it back (discarding later writes). */
    static Step captureData(Path data, Duration maxAge) {
        return new Step() {
            @Override
            public String name() {
                return "capture data";
            }

            @Override
            public void execute(StepContext ctx) throws Exception {
                Path copy = ctx.backupDir().resolve("data.copy");
                Instant now = ctx.clock().instant();
                ctx.record("copy", copy.toString());
                Files.copy(data, copy, StandardCopyOption.REPLACE_EXISTING);
                new RestoreBound(now, maxAge).recordIn(ctx);
            }

            @Override
            public Compensation compensation() {
                return ctx -> Files.copy(Path.of(ctx.recorded("copy").orElseThrow()), data,
                        StandardCopyOption.REPLACE_EXISTING);
            }

            @Override
            public String describe() {
                return "copy " + data;
            }
        };
    }

    @Test
    void staleDataIsRefusedUpFrontSkippedOnRequestOrRestoredWhenForced() throws Exception {
        Path data = orders();
        Path version = WriteFileStep.versionFile(dir);
        Runner runner = runner();
        RunResult run = runner.run(Plan.named("deploy").target("shop").step(captureData(data, Duration.ofHours(6)))
                .step(new WriteFileStep("version", version, "1.1")).build());
        Files.writeString(data, "1,olena\n2,joão\n"); // written by the application after the deploy
        clock.advance(Duration.ofDays(3).plusHours(4));

        assertThatThrownBy(() -> runner.rollback(run.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("step 'capture data' would restore data captured 3d 4h ago (at 2026-12-01T10:00:00Z)")
                .hasMessageContaining("older than its limit of 6h");
        assertThat(version).hasContent("1.1");
        assertThat(data).hasContent("1,olena\n2,joão\n");
        assertThat(runner.summary(run.runId()).status()).contains(RunStatus.SUCCEEDED);

        RunResult skipped = runner.rollback(run.runId(), RollbackOption.SKIP_DATA_RESTORE);

        assertThat(skipped).rolledBack().compensated("version").stepHasStatus("capture data",
                StepStatus.NOT_COMPENSATED);
        assertThat(version).hasContent("1.0");
        assertThat(data).hasContent("1,olena\n2,joão\n");
    }

    @Test
    void forceRestoresStaleDataAndFreshDataIsRestoredWithoutBeingAsked() throws Exception {
        Path data = orders();
        Runner runner = runner();
        RunResult fresh = runner.run(Plan.named("deploy").target("a").step(captureData(data, Duration.ofHours(6))).build());
        Files.writeString(data, "changed\n");
        clock.advance(Duration.ofHours(5));
        assertThat(runner.rollback(fresh.runId())).rolledBack().compensated("capture data");
        assertThat(data).hasContent("1,olena\n");

        RunResult stale = runner.run(Plan.named("deploy").target("b").step(captureData(data, Duration.ofHours(6))).build());
        Files.writeString(data, "changed\n");
        clock.advance(Duration.ofHours(7));
        assertThatThrownBy(() -> runner.rollback(stale.runId())).isInstanceOf(RollbackRefusedException.class);
        assertThat(runner.rollback(stale.runId(), RollbackOption.FORCE)).rolledBack().compensated("capture data");
        assertThat(data).hasContent("1,olena\n");
    }

    @Test
    void rollbackToLastGoodRefusesBeforeRollingBackAnyRunWhenOneWouldRestoreStaleData() throws Exception {
        Path data = orders();
        Path version = WriteFileStep.versionFile(dir);
        Runner runner = runner();
        RunResult good = runner.run(Plan.named("deploy 1.1").target("shop")
                .step(new WriteFileStep("version", version, "1.1")).build());
        runner.markGood(good.runId());
        runner.run(Plan.named("migrate").target("shop").step(captureData(data, Duration.ofHours(1))).build());
        clock.advance(Duration.ofDays(1));
        runner.run(Plan.named("deploy 1.2").target("shop").step(new WriteFileStep("version", version, "1.2")).build());

        assertThatThrownBy(() -> runner.rollbackToLastGood("shop"))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("would restore data captured 1d ago");
        assertThat(version).as("the newest run was not rolled back either").hasContent("1.2");
    }

    @Test
    void rollbackToARunUndoesEveryLaterRunNewestFirstAndSkipsDataRestoresWhenAsked() throws Exception {
        Path data = orders();
        Path version = WriteFileStep.versionFile(dir);
        Runner runner = runner();
        RunResult one = runner.run(Plan.named("deploy 1.1").target("shop")
                .step(new WriteFileStep("version", version, "1.1")).build());
        RunResult migrate = runner.run(Plan.named("migrate").target("shop")
                .step(captureData(data, Duration.ofHours(1))).build());
        Files.writeString(data, "1,olena\n2,joão\n");
        clock.advance(Duration.ofDays(1));
        RunResult two = runner.run(Plan.named("deploy 1.2").target("shop")
                .step(new WriteFileStep("version", version, "1.2")).build());

        assertThatThrownBy(() -> runner.rollbackTo(one.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("would restore data captured 1d ago");
        assertThat(version).as("refused before the newest run was rolled back").hasContent("1.2");

        assertThat(runner.appliedSteps(migrate.runId())).containsExactly("capture data");
        var results = runner.rollbackTo(one.runId(), RollbackOption.SKIP_DATA_RESTORE);

        assertThat(results).extracting(RunResult::runId).containsExactly(two.runId(), migrate.runId());
        assertThat(results).extracting(RunResult::status).containsOnly(RunStatus.ROLLED_BACK);
        assertThat(version).hasContent("1.1");
        assertThat(data).as("data restore skipped").hasContent("1,olena\n2,joão\n");
        assertThat(runner.summary(one.runId()).status()).contains(RunStatus.SUCCEEDED);
        assertThat(runner.rollbackTo(one.runId())).as("nothing left after it").isEmpty();
        assertThat(runner.appliedSteps(two.runId())).as("rolled back: nothing applied").isEmpty();
        assertThat(runner.appliedSteps(one.runId())).containsExactly("version");
    }

    @Test
    void rollbackToARunThatIsNotAppliedIsRefusedAndChangesNothing() throws Exception {
        Path version = WriteFileStep.versionFile(dir);
        Runner runner = runner();
        RunResult one = runner.run(Plan.named("deploy 1.1").target("shop")
                .step(new WriteFileStep("version", version, "1.1")).build());
        runner.rollback(one.runId());
        runner.run(Plan.named("deploy 1.2").target("shop").step(new WriteFileStep("version", version, "1.2")).build());

        assertThatThrownBy(() -> runner.rollbackTo(one.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("cannot go back to run " + one.runId())
                .hasMessageContaining("it is not applied (its status is ROLLED_BACK)");
        assertThat(version).hasContent("1.2");
        assertThatThrownBy(() -> runner.rollbackTo(dev.backstep.RunId.of("20990101-000000.000-000000")))
                .isInstanceOf(dev.backstep.RunNotFoundException.class);
    }

    @Test
    void aBoundMustBePositive() {
        assertThatThrownBy(() -> new RestoreBound(Instant.now(), Duration.ZERO))
                .isInstanceOf(dev.backstep.BackstepException.class).hasMessageContaining("must be positive");
    }
}
