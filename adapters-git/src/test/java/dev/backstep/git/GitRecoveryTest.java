package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The process dies in the middle of a git step (simulated by an {@link Error} that the step does
 * not catch, thrown right before or after a real git command); a fresh compensation, built from
 * the step type alone and given only the values recorded so far, puts the repository back.
 */
class GitRecoveryTest extends TwoCommitRepoTest {

    static final class ProcessDied extends Error {
        private static final long serialVersionUID = 1L;

        ProcessDied(String where) {
            super("simulated crash " + where);
        }
    }

    /** Runs real commands, but dies before or after the first one that matches. */
    CommandRunner dyingAt(Predicate<List<String>> command, boolean afterRunning) {
        CommandRunner real = sb.commands();
        return spec -> {
            if (command.test(spec.argv()) && !afterRunning) {
                throw new ProcessDied("before " + spec.argv());
            }
            var result = real.run(spec);
            if (command.test(spec.argv())) {
                throw new ProcessDied("after " + spec.argv());
            }
            return result;
        };
    }

    static Predicate<List<String>> git(String... args) {
        return argv -> argv.size() > args.length && argv.subList(1, 1 + args.length).equals(List.of(args));
    }

    /** What a recovering process has: the step type and the journaled values. */
    void recover(String type, Step step, Map<String, String> journaled) throws Exception {
        Compensation c = Git.compensations().get(type);
        c.compensate(GitHarness.compensation(sb, step, journaled));
    }

    @Test
    void crashRightAfterTheCheckoutIsUndoneFromTheJournaledValuesAlone() throws Exception {
        GitCheckout step = Git.checkout(repo, "v1.0.0");
        StepContext ctx = GitHarness.forward(dyingAt(git("checkout"), true), sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);
        sb.assertAt(repo, c1, "(detached)", "v1");

        recover("git.checkout", step, ctx.recordedValues());
        sb.assertAt(repo, c2, "main", "v2");
        recover("git.checkout", step, ctx.recordedValues());
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void crashBeforeAnythingWasRecordedNeedsNoUndo() throws Exception {
        GitCheckout step = Git.checkout(repo, "v1.0.0");
        StepContext ctx = GitHarness.forward(dyingAt(git("status"), false), sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);

        assertThat(ctx.recordedValues()).doesNotContainKey("head");
        recover("git.checkout", step, ctx.recordedValues());
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void crashAfterStashingButBeforeRecordingTheStashFindsItByItsRecordedMessage() throws Exception {
        GitSandbox.write(repo.resolve("app.txt"), "local edit");
        GitSandbox.write(repo.resolve("new.txt"), "untracked");
        String statusBefore = sb.status(repo);
        GitReset step = Git.resetHard(repo, "HEAD~1").stashChanges();
        StepContext ctx = GitHarness.forward(dyingAt(git("stash", "push"), true), sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);
        assertThat(ctx.recordedValues()).containsKey("stashMessage").doesNotContainKey("stash");
        assertThat(sb.status(repo)).isEmpty();

        recover("git.reset", step, ctx.recordedValues());

        assertThat(sb.head(repo)).isEqualTo(c2);
        assertThat(sb.status(repo)).isEqualTo(statusBefore);
        assertThat(GitSandbox.read(repo.resolve("app.txt"))).isEqualTo("local edit");
        assertThat(sb.stashList(repo)).isEmpty();
    }

    @Test
    void crashInsideTheUndoBetweenApplyingAndDroppingTheStashIsFinishedByTheNextUndo() throws Exception {
        GitSandbox.write(repo.resolve("app.txt"), "local edit");
        String statusBefore = sb.status(repo);
        GitCheckout step = Git.checkout(repo, "v1.0.0").stashChanges();
        StepContext ctx = GitHarness.execute(sb, step);

        Compensation undo = Git.compensations().get("git.checkout");
        assertThatThrownBy(() -> undo.compensate(GitHarness.compensation(
                dyingAt(git("stash", "apply"), true), sb, step, ctx.recordedValues())))
                .isInstanceOf(ProcessDied.class);
        recover("git.checkout", step, ctx.recordedValues());

        sb.assertAt(repo, c2, "main", "local edit");
        assertThat(sb.status(repo)).isEqualTo(statusBefore);
        assertThat(sb.stashList(repo)).isEmpty();
    }

    @Test
    void crashMidPullAfterFetchingIsUndoneIncludingTheRemoteRefs() throws Exception {
        Path work = cloneBehindOrigin().work();
        String refsBefore = sb.git(work, "for-each-ref");
        GitPull step = Git.pull(work, "origin", "main");
        StepContext ctx = GitHarness.forward(dyingAt(git("merge"), true), sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);
        assertThat(GitSandbox.read(work.resolve("app.txt"))).isEqualTo("v3");

        recover("git.pull", step, ctx.recordedValues());
        sb.assertAt(work, c2, "main", "v2");
        assertThat(sb.git(work, "for-each-ref")).isEqualTo(refsBefore);
    }

    @Test
    void crashBetweenFetchingAndRecordingItsChangesFallsBackToTheSnapshot() throws Exception {
        Path work = cloneBehindOrigin("v3.0.0").work();
        String refsBefore = sb.git(work, "for-each-ref");
        GitFetch step = Git.fetch(work, "origin");
        StepContext ctx = GitHarness.forward(dyingAt(git("fetch"), true), sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);
        assertThat(ctx.recordedValues()).containsKey("refsBefore").doesNotContainKey("refsChanged");

        recover("git.fetch", step, ctx.recordedValues());
        assertThat(sb.git(work, "for-each-ref")).isEqualTo(refsBefore);
    }

    @Test
    void crashRightAfterCreatingATagIsUndone() throws Exception {
        GitTag step = Git.tag(repo, "deployed");
        StepContext ctx = GitHarness.forward(dyingAt(git("tag"), true), sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);
        assertThat(sb.git(repo, "tag", "--list")).contains("deployed");

        recover("git.tag", step, ctx.recordedValues());
        assertThat(sb.git(repo, "tag", "--list")).isEqualTo("v1.0.0");
    }
}
