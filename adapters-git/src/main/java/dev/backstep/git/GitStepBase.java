package dev.backstep.git;

import dev.backstep.StepContext;
import dev.backstep.git.GitException.Reason;
import dev.backstep.git.internal.GitCli;
import dev.backstep.spi.AbstractStep;
import java.nio.file.Path;
import java.util.List;

/**
 * What every {@link GitStep} shares: the repository, the git executable, renaming and changing the
 * executable, and validation that turns a {@link GitException} into the step's validation error.
 * Package-private: users see the steps.
 *
 * @param <S> the concrete step, returned by the setters
 */
abstract sealed class GitStepBase<S extends GitStepBase<S>> extends AbstractStep
        permits GitFetch, GitTag, HeadMove, GitPull {
    final Path repo;
    final String git;

    GitStepBase(String name, String type, Path repo, String git) {
        super(name, type);
        this.repo = repo;
        this.git = git;
    }

    /** This step under another name and with another git executable; every other setting kept. */
    abstract S copy(String newName, String newGit);

    /** Runs this git executable instead of {@code git} from the PATH. */
    public S using(Path gitBinary) {
        return copy(name(), Args.gitBinary(gitBinary));
    }

    /** This step under another name. */
    @Override
    public S withName(String newName) {
        return copy(newName, git);
    }

    /** The repository (or a directory inside it) the step works in, absolute. */
    public Path repository() {
        return repo;
    }

    /** The git executable: {@code git} (looked up on the PATH) unless set with {@code using}. */
    public String gitExecutable() {
        return git;
    }

    /** Checks, read-only, what {@link #validate(StepContext)} promises before any step runs. */
    public void validate(StepContext ctx) {
        try {
            check(cli(ctx));
        } catch (GitException e) {
            throw Args.invalid(ctx.stepName(), e);
        }
    }

    /** The step's read-only checks; a {@link GitException} fails validation. */
    abstract void check(GitCli cli);

    final GitCli cli(StepContext ctx) {
        return GitCli.open(ctx.commands(), git, repo);
    }

    static void requireClean(GitCli cli) {
        List<String> changed = cli.changedFiles(true);
        if (!changed.isEmpty()) {
            throw new GitDirtyWorktreeException(cli.repo(), changed);
        }
    }

    static void requireRemote(GitCli cli, String remote) {
        if (!cli.remotes().contains(remote)) {
            throw new GitException(Reason.UNKNOWN_REMOTE, cli.repo(), "no remote named '" + remote + "' in "
                    + cli.repo() + " (remotes: " + cli.remotes() + ")");
        }
    }
}
