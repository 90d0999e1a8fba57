package dev.backstep.git;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.StepRegistry;
import dev.backstep.testkit.FakeStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Git steps inside plans run by the real engine, against real repositories. */
class GitPlanIT extends TwoCommitRepoTest {
    Journal journal;
    Runner runner;

    @BeforeEach
    void setUp() {
        journal = Journal.inMemory();
        runner = Backstep.runner().stateDir(tmp.resolve("state")).journal(journal).commands(sb.commands()).build();
    }

    @Test
    void aFailingLaterStepRollsBackCheckoutAndTagAndTheRepositoryIsExactlyAsBefore() {
        GitSandbox.write(repo.resolve("local.cfg"), "keep me");
        String statusBefore = sb.status(repo);
        Plan plan = Plan.named("deploy v1.0.0")
                .step(Git.checkout(repo, "v1.0.0").stashChanges())
                .step(Git.tag(repo, "deployed"))
                .step(FakeStep.named("migrate").failAlways().build())
                .build();

        RunResult result = runner.run(plan);

        assertThat(result).rolledBack().failedAt("migrate")
                .compensated("git tag deployed", "git checkout v1.0.0");
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.status(repo)).isEqualTo(statusBefore);
        assertThat(GitSandbox.read(repo.resolve("local.cfg"))).isEqualTo("keep me");
        assertThat(sb.git(repo, "tag", "--list")).isEqualTo("v1.0.0");
        assertThat(sb.stashList(repo)).isEmpty();
    }

    @Test
    void aFailingLaterStepRollsBackAPullAndAReset() {
        Behind behind = cloneBehindOrigin();
        Path work = behind.work();
        String c3 = behind.c3();
        String refsBefore = sb.git(work, "for-each-ref");
        Plan plan = Plan.named("update bot")
                .step(Git.pull(work, "origin", "main"))
                .step(Git.resetHard(work, "HEAD~1"))
                .step(Step.named("check reset").action(ctx -> assertThat(sb.head(work)).isEqualTo(c2))
                        .compensation(ctx -> { }).build())
                .verify(Step.verification("smoke test", ctx -> {
                    throw new IllegalStateException("smoke test failed");
                }))
                .build();

        RunResult result = runner.run(plan);

        assertThat(result).rolledBack().compensated("check reset", "git reset --hard HEAD~1", "git pull origin main");
        sb.assertAt(work, c2, "main", "v2");
        assertThat(sb.git(work, "for-each-ref")).isEqualTo(refsBefore);
        assertThat(sb.status(work)).isEmpty();
        assertThat(c3).isNotEqualTo(c2);
    }

    @Test
    void aTypoInATagFailsTheDryRunAndExecutesNothing() {
        Plan plan = Plan.named("roll back")
                .step(Git.checkout(repo, "v1.0.0"))
                .step(Git.checkout(repo, "v1.0.O").withName("second checkout"))
                .build();

        DryRun dry = runner.dryRun(plan);

        assertThat(dry.valid()).isFalse();
        assertThat(dry.problems()).singleElement().asString()
                .startsWith("second checkout").contains("'v1.0.O' does not name a commit");
        assertThat(dry.steps().get(0).description())
                .contains(c2.substring(0, 7) + " -> " + c1.substring(0, 7)).contains("\"second\" -> \"first\"");
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void aTypoInATagStopsTheRunBeforeAnyStepRuns() {
        Path marker = tmp.resolve("marker");
        Plan plan = Plan.named("deploy")
                .step(Step.named("write marker").action(ctx -> Files.writeString(marker, "ran"))
                        .compensation(ctx -> Files.deleteIfExists(marker)).build())
                .step(Git.checkout(repo, "v9.9.9"))
                .build();

        assertThatThrownBy(() -> runner.run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("v9.9.9");

        assertThat(marker).doesNotExist();
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void aSucceededRunIsRolledBackLaterByAnotherRunnerThatOnlyHasTheJournal() {
        Plan plan = Plan.named("deploy v1.0.0").step(Git.checkout(repo, "v1.0.0")).step(Git.tag(repo, "live")).build();
        RunResult done = runner.run(plan);
        assertThat(done).succeeded();
        sb.assertAt(repo, c1, "(detached)", "v1");

        Runner fresh = Backstep.runner().stateDir(tmp.resolve("state")).journal(journal).commands(sb.commands())
                .registry(StepRegistry.discover()).build();
        RunResult undone = fresh.rollback(done.runId());

        assertThat(undone).rolledBack().compensated("git tag live", "git checkout v1.0.0");
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.git(repo, "tag", "--list")).isEqualTo("v1.0.0");
    }

    @Test
    void theStepTypesAreDiscoverable() {
        assertThat(StepRegistry.discover().types())
                .contains("git.checkout", "git.pull", "git.fetch", "git.reset", "git.tag");
    }

    @Test
    void aDeployProcessKilledInsideTheCheckoutIsRecoveredByTheNextProcess() throws Exception {
        Path journalDir = tmp.resolve("journal");
        Path stateDir = tmp.resolve("crash-state");
        Path reached = tmp.resolve("hook-reached");
        Path hook = repo.resolve(".git/hooks/post-checkout");
        // runs once HEAD and the files have moved: says where it is, then blocks
        Files.writeString(hook, "#!/bin/sh\n[ -e '" + reached + "' ] && exit 0\n"
                + "echo \"$PPID\" > '" + reached + ".tmp' && mv '" + reached + ".tmp' '" + reached + "'\n"
                + "exec sleep 600\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                GitCrashMain.class.getName(), repo.toString(), journalDir.toString(), stateDir.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("crash.log").toFile());
        pb.environment().putAll(sb.env());
        Process deploy = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(reached) && deploy.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(reached).as("the checkout reached its hook; log: %s", tmp.resolve("crash.log")).exists();
            long gitPid = Long.parseLong(Files.readString(reached).strip());
            deploy.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            // the orphaned git and its hook go too, as they would with the machine's reboot
            ProcessHandle.of(gitPid).ifPresent(git -> {
                git.descendants().forEach(ProcessHandle::destroyForcibly);
                git.destroyForcibly();
                git.onExit().orTimeout(1, TimeUnit.MINUTES).join();
            });
        } finally {
            deploy.destroyForcibly();
        }
        sb.assertAt(repo, c1, "(detached)", "v1");

        Runner next = Backstep.runner().journal(Journal.directory(journalDir)).stateDir(stateDir)
                .commands(sb.commands()).registry(StepRegistry.discover()).build();
        Recovery recovery = next.recover();

        assertThat(recovery.recovered()).singleElement()
                .satisfies(r -> assertThat(r).rolledBack().compensated("git checkout v1.0.0"));
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.status(repo)).isEmpty();
    }

    @Test
    void aSucceededRunIsRolledBackLaterFromItsJournalAlone() throws Exception {
        Plan plan = Plan.named("deploy v1.0.0").step(Git.checkout(repo, "v1.0.0")).step(Git.tag(repo, "live")).build();
        RunResult result = runner.run(plan);
        assertThat(result).succeeded();
        sb.assertAt(repo, c1, "(detached)", "v1");

        // another process: only the journal and the type → compensation map
        List<JournalRecord> records = journal.read(result.runId());
        List<String> applied = new java.util.ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Map<String, String>> recorded = new LinkedHashMap<>();
        for (JournalRecord r : records) {
            String step = r.step().orElse("");
            if (r.type() == JournalRecord.Type.STEP_STARTED) {
                types.put(step, r.get("type").orElseThrow());
            } else if (r.type() == JournalRecord.Type.STEP_RECORDED) {
                recorded.computeIfAbsent(step, k -> new LinkedHashMap<>())
                        .put(r.get("key").orElseThrow(), r.get("value").orElseThrow());
            } else if (r.type() == JournalRecord.Type.STEP_SUCCEEDED) {
                applied.add(0, step);
            }
        }
        for (String step : applied) {
            Git.compensations().get(types.get(step))
                    .compensate(GitHarness.compensation(sb, plan.step(step).orElseThrow(), recorded.get(step)));
        }

        assertThat(types.values()).containsExactly("git.checkout", "git.tag");
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.git(repo, "tag", "--list")).isEqualTo("v1.0.0");
    }
}
