package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.ProgramNotFoundException;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitErrorsTest {
    @TempDir
    Path tmp;

    static void hasReason(Throwable t, GitException.Reason reason) {
        assertThat(t).isInstanceOf(GitException.class);
        assertThat(((GitException) t).reason()).isEqualTo(reason);
    }

    @Test
    void missingGitExecutableIsReportedByValidationAndByTheAction() {
        GitSandbox sb = new GitSandbox(tmp);
        Path repo = sb.newRepo();
        Path noGit = tmp.resolve("no-such-dir/git");
        GitCheckout step = Git.checkout(repo, "main").using(noGit);

        assertThatThrownBy(() -> step.validate(GitHarness.validation(sb, step)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining(noGit.toString())
                .cause().satisfies(c -> hasReason(c, GitException.Reason.GIT_NOT_FOUND))
                .hasCauseInstanceOf(ProgramNotFoundException.class);
        StepContext ctx = GitHarness.forward(sb, step);
        assertThatThrownBy(() -> step.execute(ctx))
                .satisfies(e -> hasReason(e, GitException.Reason.GIT_NOT_FOUND));
        assertThat(ctx.recordedValues()).isEmpty();
        assertThatThrownBy(() -> Git.releases(repo, sb.commands(), noGit))
                .satisfies(e -> hasReason(e, GitException.Reason.GIT_NOT_FOUND));
    }

    @Test
    void gitMissingFromThePathIsReportedAsGitNotFound() throws Exception {
        GitSandbox sb = new GitSandbox(tmp);
        Path repo = sb.newRepo();
        Path emptyBin = Files.createDirectories(tmp.resolve("empty-bin"));
        dev.backstep.spi.CommandRunner noGit = spec -> sb.commands().run(spec.env("PATH", emptyBin.toString()));
        GitCheckout step = Git.checkout(repo, "main");
        StepContext ctx = GitHarness.forward(noGit, sb, step);

        assertThatThrownBy(() -> step.execute(ctx))
                .satisfies(e -> hasReason(e, GitException.Reason.GIT_NOT_FOUND))
                .hasMessageContaining("install git")
                .hasCauseInstanceOf(ProgramNotFoundException.class);
        assertThat(ctx.recordedValues()).isEmpty();
        assertThatThrownBy(() -> Git.releases(repo, noGit))
                .satisfies(e -> hasReason(e, GitException.Reason.GIT_NOT_FOUND));
    }

    @Test
    void directoryThatIsNotARepositoryIsReported() throws Exception {
        GitSandbox sb = new GitSandbox(tmp);
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        GitReset step = Git.resetHard(plain, "HEAD");

        assertThatThrownBy(() -> step.validate(GitHarness.validation(sb, step)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("not inside a git work tree")
                .cause().satisfies(c -> hasReason(c, GitException.Reason.NOT_A_REPOSITORY));
        assertThatThrownBy(() -> Git.releases(plain, sb.commands()))
                .satisfies(e -> hasReason(e, GitException.Reason.NOT_A_REPOSITORY));
    }

    @Test
    void missingDirectoryIsReportedAsNotARepository() {
        GitSandbox sb = new GitSandbox(tmp);
        GitFetch step = Git.fetch(tmp.resolve("missing"), "origin");

        assertThatThrownBy(() -> step.validate(GitHarness.validation(sb, step)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("is not a directory")
                .cause().satisfies(c -> hasReason(c, GitException.Reason.NOT_A_REPOSITORY));
    }

    @Test
    void repositoryWithoutCommitsIsReported() {
        GitSandbox sb = new GitSandbox(tmp);
        Path empty = tmp.resolve("empty");
        sb.git(tmp, "init", "-q", empty.toString());
        GitCheckout step = Git.checkout(empty, "main");

        assertThatThrownBy(() -> step.validate(GitHarness.validation(sb, step)))
                .isInstanceOf(StepValidationException.class)
                .cause().satisfies(c -> hasReason(c, GitException.Reason.NO_COMMITS));
    }

    @Test
    void badFactoryArgumentsAreRefusedWithATypedError() {
        Path repo = tmp;
        assertThatThrownBy(() -> Git.checkout(null, "v1")).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("the repository path is null");
        assertThatThrownBy(() -> Git.checkout(repo, " ")).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("the ref to check out is null or blank, was ' '");
        assertThatThrownBy(() -> Git.resetHard(repo, "--hard")).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("the ref to reset to '--hard' starts with '-', which git would read as an option");
        assertThatThrownBy(() -> Git.pull(repo, "origin", "main\n--upload-pack=x"))
                .isInstanceOf(dev.backstep.PlanDefinitionException.class).hasMessageContaining("whitespace")
                .hasMessageContaining("'main\n--upload-pack=x'");
        assertThatThrownBy(() -> Git.fetch(repo, null)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("the remote is null or blank, was null");
        assertThatThrownBy(() -> Git.tag(repo, "v1").annotated("")).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("step 'git tag v1': the message of annotated tag 'v1' is null or blank, was ''");
        assertThatThrownBy(() -> Git.tag(repo, "v1").at("-x")).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("'-x' starts with '-'");
        assertThatThrownBy(() -> Git.checkout(repo, "v1").using(null))
                .isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("the git executable path is null or blank, was null");
    }

    @Test
    void everyStepTypeHasAStatelessCompensationRegistered() {
        Path repo = tmp;
        Map<String, dev.backstep.Compensation> comps = Git.compensations();

        assertThat(comps).containsOnlyKeys("git.checkout", "git.pull", "git.fetch", "git.reset", "git.tag");
        for (GitStep step : new GitStep[] {Git.checkout(repo, "v1"), Git.pull(repo, "origin", "main"),
                Git.fetch(repo, "origin"), Git.resetHard(repo, "HEAD~1"), Git.tag(repo, "v1")}) {
            assertThat(comps.get(step.type())).as(step.type()).isSameAs(step.compensation());
            assertThat(step.compensation().irreversibleReason()).isEmpty();
        }
    }
}
