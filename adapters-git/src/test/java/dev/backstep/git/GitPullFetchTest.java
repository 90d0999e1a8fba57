package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.StepContext;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitPullFetchTest {
    @TempDir
    Path tmp;
    GitSandbox sb;
    Path origin;
    Path work;
    Path other;
    String c1;

    @BeforeEach
    void setUp() {
        sb = new GitSandbox(tmp);
        origin = sb.newBare();
        Path seed = sb.newRepo();
        c1 = sb.head(seed);
        sb.git(seed, "push", "-q", origin.toString(), "main");
        work = sb.cloneOf(origin);
        other = sb.cloneOf(origin);
    }

    /** Another developer pushes a commit to origin. */
    String pushFromOther(String content, String message) {
        String c = sb.commit(other, "app.txt", content, message);
        sb.git(other, "push", "-q", "origin", "main");
        return c;
    }

    @Test
    void pullFastForwardsAndCompensationMovesTheBranchBackAndRestoresRemoteRefs() throws Exception {
        String c2 = pushFromOther("v2", "second");
        GitPull step = Git.pull(work, "origin", "main");
        step.validate(GitHarness.validation(sb, step));
        StepContext ctx = GitHarness.execute(sb, step);
        sb.assertAt(work, c2, "main", "v2");
        assertThat(sb.git(work, "rev-parse", "refs/remotes/origin/main")).isEqualTo(c2);
        assertThat(ctx.recordedValues()).containsEntry("head", c1).containsEntry("branch", "main")
                .containsEntry("target", c2);

        GitHarness.undo(sb, step, ctx);
        sb.assertAt(work, c1, "main", "v1");
        assertThat(sb.status(work)).isEmpty();
        assertThat(sb.git(work, "rev-parse", "refs/remotes/origin/main")).isEqualTo(c1);

        GitHarness.undo(sb, step, ctx);
        sb.assertAt(work, c1, "main", "v1");
    }

    @Test
    void pullOfDivergedBranchFailsCleanlyAndLeavesTheRepositoryAsBefore() throws Exception {
        pushFromOther("v2", "theirs");
        String local = sb.commit(work, "local.txt", "mine", "ours");
        GitPull step = Git.pull(work, "origin", "main");

        GitHarness.assertExecutionFails(sb, step, "cannot be fast-forwarded", GitException.Reason.NOT_FAST_FORWARD);

        sb.assertAt(work, local, "main", "v1");
        assertThat(sb.status(work)).isEmpty();
        assertThat(sb.git(work, "rev-parse", "refs/remotes/origin/main")).isEqualTo(c1);
    }

    @Test
    void pullOnDetachedHeadIsRefusedByValidation() {
        sb.git(work, "checkout", "-q", "--detach", c1);
        GitPull step = Git.pull(work, "origin", "main");

        GitHarness.assertRefusedByValidation(sb, step, "HEAD is detached", GitException.Reason.DETACHED_HEAD);
    }

    @Test
    void pullFromUnknownRemoteIsRefusedByValidation() {
        GitPull step = Git.pull(work, "upstream", "main");

        GitHarness.assertRefusedByValidation(sb, step, "no remote named 'upstream'", GitException.Reason.UNKNOWN_REMOTE);
    }

    @Test
    void pullOfMissingRemoteBranchIsAFetchFailureAndChangesNothing() {
        GitPull step = Git.pull(work, "origin", "no-such-branch");

        GitHarness.assertExecutionFails(sb, step, "no-such-branch", GitException.Reason.FETCH_FAILED);

        sb.assertAt(work, c1, "main", "v1");
    }

    @Test
    void pullWithDirtyTreeIsRefusedUnlessStashedAndTheStashComesBackOnUndo() throws Exception {
        String c2 = pushFromOther("v2", "second");
        GitSandbox.write(work.resolve("local.cfg"), "debug=true");
        GitPull refused = Git.pull(work, "origin", "main");
        assertThatThrownBy(() -> refused.validate(GitHarness.validation(sb, refused)))
                .hasCauseInstanceOf(GitDirtyWorktreeException.class)
                .hasMessageContaining("local.cfg");

        GitPull step = refused.stashChanges();
        StepContext ctx = GitHarness.execute(sb, step);
        sb.assertAt(work, c2, "main", "v2");
        assertThat(work.resolve("local.cfg")).doesNotExist();

        GitHarness.undo(sb, step, ctx);
        sb.assertAt(work, c1, "main", "v1");
        assertThat(GitSandbox.read(work.resolve("local.cfg"))).isEqualTo("debug=true");
        assertThat(sb.stashList(work)).isEmpty();
    }

    @Test
    void fetchFailureIsTypedAndChangesNothing() {
        sb.git(work, "remote", "set-url", "origin", tmp.resolve("gone.git").toString());
        GitFetch step = Git.fetch(work, "origin");

        GitHarness.assertExecutionFails(sb, step, "git fetch origin failed", GitException.Reason.FETCH_FAILED);

        assertThat(sb.git(work, "rev-parse", "refs/remotes/origin/main")).isEqualTo(c1);
    }

    @Test
    void fetchUpdatesRemoteRefsAndTagsAndCompensationPutsBackExactlyWhatItChanged() throws Exception {
        String c2 = pushFromOther("v2", "second");
        sb.git(other, "tag", "v2.0.0");
        sb.git(other, "push", "-q", "origin", "v2.0.0");
        sb.git(work, "tag", "mine");
        String refsBefore = sb.git(work, "for-each-ref");
        GitFetch step = Git.fetch(work, "origin");
        step.validate(GitHarness.validation(sb, step));
        StepContext ctx = GitHarness.execute(sb, step);
        assertThat(sb.git(work, "rev-parse", "refs/remotes/origin/main")).isEqualTo(c2);
        assertThat(sb.git(work, "tag", "--list")).contains("v2.0.0");
        sb.assertAt(work, c1, "main", "v1");
        assertThat(Path.of(ctx.recorded("refsBefore").orElseThrow())).isRegularFile();
        assertThat(java.nio.file.Files.getPosixFilePermissions(Path.of(ctx.recorded("refsBefore").orElseThrow())))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        GitHarness.undo(sb, step, ctx);
        assertThat(sb.git(work, "for-each-ref")).isEqualTo(refsBefore);

        GitHarness.undo(sb, step, ctx);
        assertThat(sb.git(work, "for-each-ref")).isEqualTo(refsBefore);
    }

    @Test
    void fetchCompensationLeavesARefAloneThatMovedAfterTheFetch() throws Exception {
        pushFromOther("v2", "second");
        GitFetch step = Git.fetch(work, "origin");
        StepContext ctx = GitHarness.execute(sb, step);
        String c3 = pushFromOther("v3", "third");
        sb.git(work, "fetch", "-q", "origin");

        GitHarness.undo(sb, step, ctx);

        assertThat(sb.git(work, "rev-parse", "refs/remotes/origin/main")).isEqualTo(c3);
    }

    @Test
    void fetchOfUnknownRemoteIsRefusedByValidation() {
        GitFetch step = Git.fetch(work, "nope");

        GitHarness.assertRefusedByValidation(sb, step, "no remote named 'nope'", GitException.Reason.UNKNOWN_REMOTE);
    }
}
