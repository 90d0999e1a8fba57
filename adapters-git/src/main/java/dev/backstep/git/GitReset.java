package dev.backstep.git;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.git.internal.GitCli;
import dev.backstep.git.internal.GitCompensations;
import dev.backstep.git.internal.GitFingerprints;
import dev.backstep.git.internal.HeadState;
import dev.backstep.git.internal.Keys;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code git reset --hard <ref>}: moves the current branch (or the detached HEAD) and the work
 * tree to the commit {@code ref} names; {@code HEAD~1} is resolved when the step runs.
 * Submodules follow when the repository has them.
 *
 * <p>Records HEAD's commit, the branch or detached state and whether the work tree was clean;
 * undo moves the branch back to the recorded commit. Because a hard reset would throw away
 * uncommitted work, a dirty work tree is refused ({@link GitDirtyWorktreeException}) unless
 * {@link #stashChanges()}: then the changes are stashed and restored on undo.
 *
 * <pre>{@code
 * Plan rollback = Plan.named("roll back bot").step(Git.resetHard(repo, "HEAD~1")).build();
 * }</pre>
 */
public final class GitReset implements GitStep {
    private final Path repo;
    private final String ref;
    private final boolean stash;
    private final String git;

    GitReset(Path repo, String ref, boolean stash, String git) {
        this.repo = repo;
        this.ref = ref;
        this.stash = stash;
        this.git = git;
    }

    /** Stashes local changes before resetting and restores them on undo, instead of refusing. */
    public GitReset stashChanges() {
        return new GitReset(repo, ref, true, git);
    }

    /** Runs this git executable instead of {@code git} from the PATH. */
    public GitReset using(Path gitBinary) {
        return new GitReset(repo, ref, stash, Args.gitBinary(gitBinary));
    }

    public String ref() {
        return ref;
    }

    @Override
    public Path repository() {
        return repo;
    }

    @Override
    public String gitExecutable() {
        return git;
    }

    @Override
    public String name() {
        return "git reset --hard " + ref;
    }

    @Override
    public String type() {
        return Git.RESET;
    }

    /**
     * HEAD, branch, work tree status (hashed, and the changed paths) and stash of the repository, read-only.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        GitCli cli = GitCli.open(ctx.commands(), git, repo);
        return List.of(GitFingerprints.head(cli));
    }

    @Override
    public Compensation compensation() {
        return GitCompensations.RESTORE_HEAD;
    }

    @Override
    public String describe() {
        return "git reset --hard " + ref + " in " + repo + (stash ? ", stashing local changes" : "");
    }

    @Override
    public void validate(StepContext ctx) {
        try {
            GitCli cli = GitCli.open(ctx.commands(), git, repo);
            cli.head();
            cli.requireCommit(ref);
            if (!stash) {
                List<String> changed = cli.changedFiles(true);
                if (!changed.isEmpty()) {
                    throw new GitDirtyWorktreeException(cli.repo(), changed);
                }
            }
        } catch (GitException e) {
            throw Args.invalid(ctx.stepName(), e);
        }
    }

    @Override
    public String preview(StepContext ctx) {
        GitCli cli = GitCli.open(ctx.commands(), git, repo);
        String head = cli.head();
        Optional<String> branch = cli.branch();
        String target = cli.requireCommit(ref);
        int changed = cli.changedFiles(true).size();
        return "git reset --hard " + ref + " in " + cli.repo() + ": "
                + Args.summary(head, cli.subject(head), target, cli.subject(target))
                + ", moves " + branch.map(b -> "branch " + b).orElse("the detached HEAD")
                + (changed > 0 && stash ? "; stashes " + changed + " local change(s), restored on undo" : "")
                + (cli.hasSubmodules() ? "; updates submodules" : "");
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        GitCli cli = GitCli.open(ctx.commands(), git, repo);
        String target = cli.requireCommit(ref);
        List<String> changed = HeadState.captureAndRecord(ctx, cli, stash);
        ctx.record(Keys.TARGET, target);
        try {
            HeadState.stashIfNeeded(ctx, cli, changed);
            cli.run("reset", "--hard", target);
            cli.updateSubmodulesIfAny();
        } catch (Exception e) {
            Git.restoreAfterFailure(ctx, compensation(), e);
            throw e;
        }
        ctx.logger().info("{}: reset --hard to {} ({})", cli.repo(), ref, GitCli.shortSha(target));
        ctx.summary("HEAD " + ctx.recorded(Keys.HEAD).map(Args::shortSha).orElse("?") + " -> " + GitCli.shortSha(target)
                + " (reset --hard " + ref + ")");
    }

    @Override
    public String toString() {
        return "GitReset[" + ref + " in " + repo + (stash ? ", stash" : "") + "]";
    }
}
