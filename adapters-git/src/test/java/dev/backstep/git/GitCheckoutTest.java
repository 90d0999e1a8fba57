package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitCheckoutTest extends TwoCommitRepoTest {
    @Test
    void checkoutOfTagDetachesHeadAndCompensationReattachesTheBranchAtTheRecordedCommit() throws Exception {
        GitCheckout step = Git.checkout(repo, "v1.0.0");
        StepContext ctx = GitHarness.execute(sb, step);
        sb.assertAt(repo, c1, "(detached)", "v1");

        GitHarness.undo(sb, step, ctx);
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.status(repo)).isEmpty();
    }

    @Test
    void validationCheckoutOfATagAndUndoStartTwoFourAndTwoGitProcesses() throws Exception {
        List<List<String>> started = new ArrayList<>();
        CommandRunner counting = spec -> {
            started.add(spec.argv());
            return sb.commands().run(spec);
        };
        GitCheckout step = Git.checkout(repo, "v1.0.0");

        step.validate(GitHarness.validation(counting, sb, step));
        assertThat(started).as("validation: top level with the ref, then HEAD and changes").hasSize(2);
        started.clear();
        StepContext ctx = GitHarness.forward(counting, sb, step);
        step.execute(ctx);
        assertThat(started).as("checkout: top level with refs/heads/v1.0.0, the tag, status, checkout").hasSize(4);
        started.clear();
        step.compensation().compensate(GitHarness.compensation(counting, sb, step, ctx.recordedValues()));
        assertThat(started).as("undo: status, checkout").hasSize(2);

        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void aRenamedGitStepKeepsItsClassTypeAndBuilderAndStillDescribesItsGitCommand() {
        GitCheckout checkout = Git.checkout(repo, "v1.0.0").withName("deploy v1").stashChanges();
        assertThat(checkout.name()).isEqualTo("deploy v1");
        assertThat(checkout.type()).isEqualTo(Git.CHECKOUT);
        assertThat(checkout.describe()).isEqualTo("git checkout v1.0.0 in " + repo + ", stashing local changes");
        assertThat(checkout).hasToString("GitCheckout[v1.0.0 in " + repo + ", stash]");

        List<GitStep> renamed = List.of(Git.resetHard(repo, "HEAD~1").withName("renamed"),
                Git.fetch(repo, "origin").withName("renamed"), Git.pull(repo, "origin", "main").withName("renamed"),
                Git.tag(repo, "deployed").withName("renamed").annotated("by CI"));
        assertThat(renamed).extracting(GitStep::name).containsOnly("renamed");
        assertThat(renamed).extracting(GitStep::type).containsExactly(Git.RESET, Git.FETCH, Git.PULL, Git.TAG);
        assertThat(renamed).extracting(GitStep::describe).allSatisfy(d -> assertThat(d).startsWith("git ")
                .doesNotContain("renamed"));
    }

    @Test
    void recordsThePreviousHeadBranchAndCleanStateBeforeChanging() throws Exception {
        GitCheckout step = Git.checkout(repo, "tags/v1.0.0");
        StepContext ctx = GitHarness.execute(sb, step);

        assertThat(ctx.recordedValues())
                .containsEntry("head", c2)
                .containsEntry("branch", "main")
                .containsEntry("detached", "false")
                .containsEntry("clean", "true")
                .containsEntry("target", c1)
                .containsEntry("repo", repo.toRealPath().toString())
                .doesNotContainKey("stash");
    }

    @Test
    void checkoutOfLocalBranchAttachesItAndUndoReturnsToThePreviousBranch() throws Exception {
        sb.git(repo, "branch", "release", c1);
        GitCheckout step = Git.checkout(repo, "release");
        StepContext ctx = GitHarness.execute(sb, step);
        sb.assertAt(repo, c1, "release", "v1");

        GitHarness.undo(sb, step, ctx);
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.git(repo, "rev-parse", "release")).isEqualTo(c1);
    }

    @Test
    void undoFromDetachedStartLeavesHeadDetachedAtTheRecordedCommit() throws Exception {
        sb.git(repo, "checkout", "-q", "--detach", c2);
        GitCheckout step = Git.checkout(repo, "v1.0.0");
        StepContext ctx = GitHarness.execute(sb, step);
        GitHarness.undo(sb, step, ctx);

        sb.assertAt(repo, c2, "(detached)", "v2");
        assertThat(sb.git(repo, "rev-parse", "main")).isEqualTo(c2);
    }

    @Test
    void compensationIsIdempotent() throws Exception {
        GitCheckout step = Git.checkout(repo, c1);
        StepContext ctx = GitHarness.execute(sb, step);

        for (int i = 0; i < 3; i++) {
            GitHarness.undo(sb, step, ctx);
            sb.assertAt(repo, c2, "main", "v2");
        }
        assertThat(sb.stashList(repo)).isEmpty();
    }

    @Test
    void previewShowsShortCommitsAndSubjectsAndChangesNothing() throws Exception {
        GitCheckout step = Git.checkout(repo, "v1.0.0");

        String preview = step.preview(GitHarness.validation(sb, step));

        assertThat(preview).contains(c2.substring(0, 7) + " -> " + c1.substring(0, 7))
                .contains("\"second\" -> \"first\"")
                .contains("main -> detached HEAD");
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void validationRejectsUnknownRefNamingIt() {
        GitCheckout step = Git.checkout(repo, "v1.0.O");

        GitHarness.assertRefusedByValidation(sb, step, "'v1.0.O' does not name a commit", GitException.Reason.UNKNOWN_REF);
    }

    @Test
    void validationPassesForAnExistingRefAndChangesNothing() {
        GitCheckout step = Git.checkout(repo, "HEAD~1");

        step.validate(GitHarness.validation(sb, step));

        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void dirtyWorktreeIsRefusedInValidationWithTheChangedFiles() {
        GitSandbox.write(repo.resolve("app.txt"), "local edit");
        GitSandbox.write(repo.resolve("notes/new.txt"), "untracked");
        GitCheckout step = Git.checkout(repo, "v1.0.0");

        assertThatThrownBy(() -> step.validate(GitHarness.validation(sb, step)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("app.txt").hasMessageContaining("notes/new.txt")
                .cause().isInstanceOfSatisfying(GitDirtyWorktreeException.class,
                        e -> assertThat(e.changedFiles()).containsExactlyInAnyOrder("app.txt", "notes/new.txt"));
    }

    @Test
    void dirtyWorktreeIsRefusedByTheActionBeforeRecordingOrChangingAnything() {
        GitSandbox.write(repo.resolve("app.txt"), "local edit");
        GitCheckout step = Git.checkout(repo, "v1.0.0");
        StepContext ctx = GitHarness.forward(sb, step);

        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(GitDirtyWorktreeException.class);

        assertThat(ctx.recordedValues()).isEmpty();
        assertThat(sb.head(repo)).isEqualTo(c2);
        assertThat(GitSandbox.read(repo.resolve("app.txt"))).isEqualTo("local edit");
    }

    @Test
    void stashChangesStashesAndUndoRestoresModifiedStagedAndUntrackedFilesExactly() throws Exception {
        GitSandbox.write(repo.resolve("app.txt"), "local edit");
        GitSandbox.write(repo.resolve("staged.txt"), "staged");
        sb.git(repo, "add", "staged.txt");
        GitSandbox.write(repo.resolve("notes/new.txt"), "untracked");
        String statusBefore = sb.status(repo);
        GitCheckout step = Git.checkout(repo, "v1.0.0").stashChanges();
        step.validate(GitHarness.validation(sb, step));
        StepContext ctx = GitHarness.execute(sb, step);

        sb.assertAt(repo, c1, "(detached)", "v1");
        assertThat(sb.status(repo)).isEmpty();
        assertThat(ctx.recordedValues()).containsEntry("clean", "false").containsKey("stash");
        assertThat(sb.stashList(repo)).contains("backstep: run test-run");

        GitHarness.undo(sb, step, ctx);

        assertThat(sb.head(repo)).isEqualTo(c2);
        assertThat(sb.branch(repo)).isEqualTo("main");
        assertThat(GitSandbox.read(repo.resolve("app.txt"))).isEqualTo("local edit");
        assertThat(GitSandbox.read(repo.resolve("notes/new.txt"))).isEqualTo("untracked");
        assertThat(sb.status(repo)).isEqualTo(statusBefore);
        assertThat(sb.stashList(repo)).isEmpty();

        GitHarness.undo(sb, step, ctx);
        assertThat(sb.status(repo)).isEqualTo(statusBefore);
        assertThat(GitSandbox.read(repo.resolve("app.txt"))).isEqualTo("local edit");
    }

    @Test
    void failedCheckoutPutsTheRepositoryBackBeforeReportingAndHooksRun() throws Exception {
        Path hook = repo.resolve(".git/hooks/post-checkout");
        Path log = tmp.resolve("hook.log");
        Files.writeString(hook, "#!/bin/sh\necho \"$2\" >> '" + log + "'\n"
                + "if [ \"$2\" = \"" + c1 + "\" ]; then echo 'refusing v1' >&2; exit 1; fi\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        GitCheckout step = Git.checkout(repo, "v1.0.0");

        GitHarness.assertExecutionFails(sb, step, "refusing v1", GitException.Reason.COMMAND_FAILED);

        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.status(repo)).isEmpty();
        assertThat(GitSandbox.read(log)).contains(c1).contains(c2);
    }
}
