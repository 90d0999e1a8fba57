package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Journal#retain}: removes old runs of the directory journal, never one that can still be
 * rolled back or recovered, never a damaged one; a rollback days later still works.
 */
class RetentionTest {
    @TempDir
    Path tmp;

    private final List<String> undone = new CopyOnWriteArrayList<>();
    private final Clock threeDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);

    private Plan plan(String target, String name, boolean failVerification) {
        Plan.Builder b = Plan.named(name).target(target)
                .step(Step.named(name).action(ctx -> ctx.record("v", name)).compensation(ctx -> undone.add(name)).build());
        if (failVerification) {
            b.verify(Step.verification("health", ctx -> {
                throw new IllegalStateException("unhealthy");
            }));
        }
        return b.build();
    }

    private Runner runner(Journal journal, Clock clock, Plan... plans) {
        Runner.Builder b = Backstep.runner().journal(journal).stateDir(tmp.resolve("state")).clock(clock);
        for (Plan p : plans) {
            b.plan(p);
        }
        return b.build();
    }

    private static RunId run(Runner runner, Plan plan, RunStatus expected) {
        RunResult r = runner.run(plan);
        assertThat(r.status()).isEqualTo(expected);
        return r.runId();
    }

    @Test
    void removesOnlyRunsThatCanNoLongerBeRolledBackAndARollbackDaysLaterStillWorks() {
        Path dir = tmp.resolve("journal");
        Plan p1 = plan("shop@prod", "s1", false);
        Plan p2 = plan("shop@prod", "s2", false);
        Plan p3 = plan("shop@prod", "s3", true);
        Plan p4 = plan("shop@prod", "s4", false);
        Plan b1 = plan("blog@prod", "b1", false);
        Plan b2 = plan("blog@prod", "b2", false);
        RunId s1;
        RunId s2;
        RunId s3;
        RunId s4;
        RunId blog1;
        RunId blog2;
        RunId crashed = RunId.generate(threeDaysAgo.instant());
        try (Journal journal = Journal.directory(dir)) {
            Runner old = runner(journal, threeDaysAgo);
            s1 = run(old, p1, RunStatus.SUCCEEDED);
            s2 = run(old, p2, RunStatus.SUCCEEDED);
            old.markGood(s2);
            s3 = run(old, p3, RunStatus.ROLLED_BACK);
            s4 = run(old, p4, RunStatus.SUCCEEDED);
            blog1 = run(old, b1, RunStatus.SUCCEEDED);
            blog2 = run(old, b2, RunStatus.SUCCEEDED);
            // a run of another target whose process died after its first record
            journal.append(new JournalRecord(crashed, 0, threeDaysAgo.instant(), JournalRecord.Type.RUN_STARTED,
                    Optional.empty(), Map.of("plan", "cache", "target", "cache@prod", "steps", "0")));
        }

        Retention.Report report;
        try (Journal journal = Journal.directory(dir)) {
            report = journal.retain(Retention.keepRuns(0).andOlderThan(Duration.ofDays(1)));
        }

        // s1: applied but before the last good run; s3: rolled back already
        assertThat(report.removed()).containsExactlyInAnyOrder(s1, s3);
        assertThat(report.damaged()).isEmpty();
        assertThat(dir.resolve("runs").resolve(s1.value() + ".jsonl")).doesNotExist();
        assertThat(dir.resolve("runs").resolve(s2.value() + ".jsonl")).exists();

        // days later, in a new process
        try (Journal journal = Journal.directory(dir)) {
            Runner now = runner(journal, Clock.systemUTC(), p1, p2, p3, p4, b1, b2);
            assertThat(now.history("shop@prod")).extracting(RunSummary::runId).containsExactly(s2, s4);
            assertThat(now.history("blog@prod")).extracting(RunSummary::runId).containsExactly(blog1, blog2);
            assertThat(now.lastGood("shop@prod")).map(RunSummary::runId).contains(s2);
            assertThat(now.rollbackToLastGood("shop@prod")).extracting(RunResult::status)
                    .containsExactly(RunStatus.ROLLED_BACK);
            assertThat(now.rollback(blog2).status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(now.rollback(blog1).status()).isEqualTo(RunStatus.ROLLED_BACK);
            Recovery recovery = now.recover();
            assertThat(recovery.recovered()).extracting(RunResult::runId).containsExactly(crashed);
        }
        assertThat(undone).containsExactly("s3", "s4", "b2", "b1");
    }

    @Test
    void keepRunsAndOlderThanKeepRecentRuns() {
        Path dir = tmp.resolve("journal");
        Plan rolledBack = plan("shop@prod", "bad", true);
        try (Journal journal = Journal.directory(dir)) {
            Runner old = runner(journal, threeDaysAgo);
            RunId first = run(old, rolledBack, RunStatus.ROLLED_BACK);
            RunId second = run(old, rolledBack, RunStatus.ROLLED_BACK);
            RunId third = run(old, rolledBack, RunStatus.ROLLED_BACK);

            assertThat(journal.retain(Retention.olderThan(Duration.ofDays(4))).removed()).isEmpty();
            assertThat(journal.retain(Retention.keepRuns(2)).removed()).containsExactly(first);
            assertThat(journal.runsOf("shop@prod")).containsExactlyInAnyOrder(second, third);
            assertThat(journal.retain(Retention.keepRuns(0)).removed()).containsExactlyInAnyOrder(second, third);
            assertThat(journal.runsOf("shop@prod")).isEmpty();
            assertThat(runner(journal, Clock.systemUTC()).history("shop@prod")).isEmpty();
        }
    }

    @Test
    void aDamagedRunIsNeverRemovedAndIsReported() throws Exception {
        Path dir = tmp.resolve("journal");
        Plan rolledBack = plan("shop@prod", "bad", true);
        RunId damaged;
        try (Journal journal = Journal.directory(dir)) {
            Runner old = runner(journal, threeDaysAgo);
            damaged = run(old, rolledBack, RunStatus.ROLLED_BACK);
        }
        Path file = dir.resolve("runs").resolve(damaged.value() + ".jsonl");
        List<String> lines = Files.readAllLines(file);
        lines.set(1, lines.get(1).replace("\"STEP_STARTED\"", "\"STEP_STARTEX\""));
        Files.write(file, lines);
        byte[] before = Files.readAllBytes(file);

        Retention.Report report;
        try (Journal journal = Journal.directory(dir)) {
            report = journal.retain(Retention.keepRuns(0));
        }

        assertThat(report.removed()).isEmpty();
        assertThat(report.damaged()).singleElement().satisfies(d -> {
            assertThat(d.runId()).isEqualTo(damaged);
            assertThat(d.line()).isEqualTo(2);
        });
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void badPoliciesAreRefusedBeforeAnythingIsRemoved() {
        assertThatThrownBy(() -> Retention.keepRuns(-1)).isInstanceOf(BackstepException.class)
                .hasMessageContaining("keepRuns must not be negative, was -1");
        assertThatThrownBy(() -> Retention.olderThan(Duration.ofDays(-1))).isInstanceOf(BackstepException.class)
                .hasMessageContaining("olderThan must not be negative");
        assertThatThrownBy(() -> Journal.inMemory().retain(Retention.keepRuns(1))).isInstanceOf(BackstepException.class)
                .hasMessageContaining("does not remove runs");
    }
}
