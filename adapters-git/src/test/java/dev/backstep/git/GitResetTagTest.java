package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.StepContext;
import org.junit.jupiter.api.Test;

class GitResetTagTest extends TwoCommitRepoTest {
    @Override
    boolean tagsFirstCommit() {
        return false; // tagThatExistsAtAnotherCommitIsRefusedByValidation creates v1.0.0 itself
    }

    @Test
    void resetHardMovesTheBranchAndCompensationMovesItBack() throws Exception {
        GitReset step = Git.resetHard(repo, "HEAD~1");
        step.validate(GitHarness.validation(sb, step));
        StepContext ctx = GitHarness.execute(sb, step);
        sb.assertAt(repo, c1, "main", "v1");
        assertThat(sb.git(repo, "rev-parse", "main")).isEqualTo(c1);

        GitHarness.undo(sb, step, ctx);
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.status(repo)).isEmpty();
    }

    @Test
    void resetPreviewShowsBothCommitsWithSubjects() throws Exception {
        GitReset step = Git.resetHard(repo, c1);

        assertThat(step.preview(GitHarness.validation(sb, step)))
                .contains(c2.substring(0, 7) + " -> " + c1.substring(0, 7))
                .contains("\"second\" -> \"first\"")
                .contains("moves branch main");
    }

    @Test
    void resetOfDirtyTreeIsRefusedAndNothingIsLost() {
        GitSandbox.write(repo.resolve("app.txt"), "uncommitted work");
        GitReset step = Git.resetHard(repo, "HEAD~1");

        assertThatThrownBy(() -> step.execute(GitHarness.forward(sb, step)))
                .isInstanceOfSatisfying(GitDirtyWorktreeException.class,
                        e -> assertThat(e.changedFiles()).containsExactly("app.txt"));

        assertThat(sb.head(repo)).isEqualTo(c2);
        assertThat(GitSandbox.read(repo.resolve("app.txt"))).isEqualTo("uncommitted work");
    }

    @Test
    void resetWithStashChangesRestoresTheUncommittedWorkOnUndo() throws Exception {
        GitSandbox.write(repo.resolve("app.txt"), "uncommitted work");
        String statusBefore = sb.status(repo);
        GitReset step = Git.resetHard(repo, "HEAD~1").stashChanges();
        StepContext ctx = GitHarness.execute(sb, step);
        sb.assertAt(repo, c1, "main", "v1");

        GitHarness.undo(sb, step, ctx);
        assertThat(sb.head(repo)).isEqualTo(c2);
        assertThat(sb.branch(repo)).isEqualTo("main");
        assertThat(GitSandbox.read(repo.resolve("app.txt"))).isEqualTo("uncommitted work");
        assertThat(sb.status(repo)).isEqualTo(statusBefore).contains("app.txt");
        assertThat(sb.stashList(repo)).isEmpty();
    }

    @Test
    void resetToUnknownRefIsRefusedByValidation() {
        GitReset step = Git.resetHard(repo, "HEAD~5");

        GitHarness.assertRefusedByValidation(sb, step, "'HEAD~5' does not name a commit", GitException.Reason.UNKNOWN_REF);
    }

    @Test
    void tagCreatesTheTagAndCompensationDeletesIt() throws Exception {
        GitTag step = Git.tag(repo, "deployed-1").at("HEAD~1");
        step.validate(GitHarness.validation(sb, step));
        StepContext ctx = GitHarness.execute(sb, step);
        assertThat(sb.git(repo, "rev-parse", "deployed-1^{commit}")).isEqualTo(c1);

        GitHarness.undo(sb, step, ctx);
        assertThat(sb.git(repo, "tag", "--list")).isEmpty();
        GitHarness.undo(sb, step, ctx);
        assertThat(sb.git(repo, "tag", "--list")).isEmpty();
    }

    @Test
    void annotatedTagIsCreatedWithItsMessageAndDeletedOnUndo() throws Exception {
        GitTag step = Git.tag(repo, "v2.0.0").annotated("release 2");
        StepContext ctx = GitHarness.execute(sb, step);
        assertThat(sb.git(repo, "cat-file", "-t", "v2.0.0")).isEqualTo("tag");
        assertThat(sb.git(repo, "tag", "-n1", "--list", "v2.0.0")).contains("release 2");

        GitHarness.undo(sb, step, ctx);
        assertThat(sb.git(repo, "tag", "--list")).isEmpty();
    }

    @Test
    void tagThatAlreadyExistsAtTheSameCommitIsLeftAloneAlsoByUndo() throws Exception {
        sb.git(repo, "tag", "v2.0.0");
        GitTag step = Git.tag(repo, "v2.0.0");
        step.validate(GitHarness.validation(sb, step));
        StepContext ctx = GitHarness.execute(sb, step);
        GitHarness.undo(sb, step, ctx);

        assertThat(ctx.recordedValues()).containsEntry("tagExisted", "true");
        assertThat(sb.git(repo, "rev-parse", "v2.0.0")).isEqualTo(c2);
    }

    @Test
    void tagThatExistsAtAnotherCommitIsRefusedByValidation() {
        sb.git(repo, "tag", "v1.0.0", c1);
        GitTag step = Git.tag(repo, "v1.0.0");

        GitHarness.assertRefusedByValidation(sb, step, "already exists", GitException.Reason.TAG_EXISTS);
    }

    @Test
    void invalidTagNameIsRefusedByValidation() {
        GitTag step = Git.tag(repo, "bad..name");

        GitHarness.assertRefusedByValidation(sb, step, "not a valid tag name", GitException.Reason.INVALID_ARGUMENT);
    }

    @Test
    void undoRefusesToDeleteATagThatWasMovedAfterwards() throws Exception {
        GitTag step = Git.tag(repo, "deployed");
        StepContext ctx = GitHarness.execute(sb, step);
        sb.git(repo, "tag", "-f", "deployed", c1);

        assertThatThrownBy(() -> step.compensation().compensate(
                GitHarness.compensation(sb, step, ctx.recordedValues())))
                .isInstanceOfSatisfying(GitException.class,
                        e -> assertThat(e.reason()).isEqualTo(GitException.Reason.CHANGED_SINCE));
        assertThat(sb.git(repo, "rev-parse", "deployed")).isEqualTo(c1);
    }
}
