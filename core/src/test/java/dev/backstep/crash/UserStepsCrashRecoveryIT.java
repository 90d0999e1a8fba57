package dev.backstep.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy made only of a user's own steps — a command that captures the checked-out commit and is
 * undone by checking that commit out again, a typed code step undone by a compensation registered
 * on the runner — rolls back from the journal alone: killed with SIGKILL at every journal boundary
 * and recovered by a new JVM that knows no plan, only the registered type; and rolled back a day
 * after it succeeded by a new JVM. Real git, real files, real processes.
 */
class UserStepsCrashRecoveryIT {
    @TempDir
    Path tmp;

    @Test
    void aDeployOfUsersStepsKilledAtEveryJournalBoundaryIsRecoveredByAProcessThatKnowsOnlyTheRegistry()
            throws Exception {
        Path countWork = prepare(tmp.resolve("count"));
        String finished = runChild(tmp.resolve("count-state"), countWork, hooks("count"), Integer.MAX_VALUE, true);
        assertThat(finished).startsWith("FINISHED").endsWith("ROLLED_BACK");
        int boundaries = Integer.parseInt(finished.split(" ")[1]);
        assertThat(boundaries).isGreaterThan(20);
        assertThat(Files.exists(hooks("count").resolve("restarted"))).as("the after-rollback step ran").isTrue();
        assertThat(journalText(tmp.resolve("count-state"))).contains("captured.head").doesNotContain(UserStepsChild.SECRET);

        List<String> killedAt = new ArrayList<>();
        for (int point = 1; point <= boundaries; point++) {
            Path work = prepare(tmp.resolve("w" + point));
            Map<String, String> before = state(work);
            Path stateDir = tmp.resolve("s" + point);
            Path hooks = hooks("h" + point);

            String line = runChild(stateDir, work, hooks, point, true);
            assertThat(line).as("child at point %d", point).startsWith("CRASH-POINT " + point);
            killedAt.add(line.substring("CRASH-POINT ".length()));

            ChildJvm.Result recovered = child("recover", stateDir.toString());
            assertThat(recovered.exitCode()).as("recover after kill at %s:%n%s", line, recovered.output()).isZero();
            assertThat(state(work)).as("state after recovery from a kill at %s", line).isEqualTo(before);
            assertThat(Files.exists(hooks.resolve("restarted")))
                    .as("after-rollback step ran by the end of the recovery from a kill at %s", line).isTrue();
            assertThat(journalText(stateDir)).as("journal after a kill at %s", line)
                    .doesNotContain(UserStepsChild.SECRET);
        }
        System.out.println("killed the user-steps deploy with SIGKILL at " + killedAt.size() + " of " + boundaries
                + " journal boundaries, recovered every time: " + killedAt);
        assertThat(killedAt).hasSize(boundaries);
    }

    @Test
    void aSucceededDeployOfUsersStepsIsRolledBackTheNextDayByAFreshProcess() throws Exception {
        Path work = prepare(tmp.resolve("ok"));
        Map<String, String> before = state(work);
        Path stateDir = tmp.resolve("ok-state");
        Path hooks = hooks("ok-hooks");

        String finished = runChild(stateDir, work, hooks, Integer.MAX_VALUE, false);
        assertThat(finished).endsWith("SUCCEEDED");
        assertThat(state(work)).isNotEqualTo(before);
        assertThat(Files.readString(work.resolve("RELEASE"))).isEqualTo("v2\n");
        assertThat(Files.exists(hooks.resolve("restarted"))).as("no rollback, no after-rollback step").isFalse();

        ChildJvm.Result rolledBack = child("rollback", stateDir.toString(), finished.split(" ")[2]);

        assertThat(rolledBack.exitCode()).as(rolledBack.output()).isZero();
        assertThat(rolledBack.output()).contains("restart app=SUCCEEDED", "code is v1 again=SUCCEEDED");
        assertThat(state(work)).isEqualTo(before);
        assertThat(Files.exists(hooks.resolve("restarted"))).isTrue();
        assertThat(journalText(stateDir)).doesNotContain(UserStepsChild.SECRET);
    }

    @Test
    void aFreshProcessWithoutTheRegisteredTypeRefusesTheRollbackNamingTypeAndStepAndChangesNothing()
            throws Exception {
        Path work = prepare(tmp.resolve("unreg"));
        Path stateDir = tmp.resolve("unreg-state");
        String finished = runChild(stateDir, work, hooks("unreg-hooks"), Integer.MAX_VALUE, false);
        assertThat(finished).endsWith("SUCCEEDED");
        Map<String, String> deployed = state(work);

        ChildJvm.Result refused = child("rollback-unregistered", stateDir.toString(), finished.split(" ")[2]);

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(4);
        assertThat(refused.output()).contains("REFUSED", "'write release marker'", UserStepsChild.MARKER_TYPE);
        assertThat(state(work)).as("nothing changed").isEqualTo(deployed);
        assertThat(Files.exists(tmp.resolve("unreg-hooks/restarted"))).isFalse();
    }

    private Path hooks(String name) throws IOException {
        return Files.createDirectories(tmp.resolve("hooks").resolve(name));
    }

    /** A repository with tags v1 and v2, HEAD detached at v1, and a release marker saying v1. */
    private Path prepare(Path work) throws Exception {
        Path repo = Files.createDirectories(work.resolve("repo"));
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("app.txt"), "version 1\n");
        git(repo, "add", "app.txt");
        git(repo, "commit", "-q", "-m", "v1");
        git(repo, "tag", "v1");
        Files.writeString(repo.resolve("app.txt"), "version 2\n");
        Files.writeString(repo.resolve("new.txt"), "only in 2\n");
        git(repo, "add", "app.txt", "new.txt");
        git(repo, "commit", "-q", "-m", "v2");
        git(repo, "tag", "v2");
        git(repo, "checkout", "-q", "--detach", "v1");
        Files.writeString(work.resolve("RELEASE"), "v1\n");
        return work;
    }

    /** Every file outside .git (content and mode), plus the repository's HEAD. */
    private static Map<String, String> state(Path work) throws Exception {
        Map<String, String> files = new java.util.TreeMap<>(CrashRecoveryIT.snapshot(work));
        files.keySet().removeIf(k -> k.startsWith("repo/.git/"));
        files.put("HEAD", git(work.resolve("repo"), "rev-parse", "HEAD"));
        files.put("status", git(work.resolve("repo"), "status", "--porcelain"));
        return files;
    }

    private static String journalText(Path stateDir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(stateDir.resolve("journal"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    all.append(Files.readString(p));
                }
            }
        }
        return all.toString();
    }

    private static String git(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                "-c", "commit.gpgsign=false", "-C", repo.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", List.of(args), out).isZero();
        return out.strip();
    }

    /** Starts a deploy; returns its CRASH-POINT line after SIGKILLing it there, or its FINISHED line. */
    private String runChild(Path state, Path work, Path hooks, int point, boolean fail) throws Exception {
        return ChildJvm.runToCrashPoint(UserStepsChild.class, "run", state.toString(), work.toString(), hooks.toString(),
                Integer.toString(point), Boolean.toString(fail));
    }

    private ChildJvm.Result child(String... args) throws Exception {
        return ChildJvm.run(UserStepsChild.class, args);
    }
}
