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
import java.util.Map;
import java.util.Optional;

/**
 * {@code git checkout <ref>}: a local branch name attaches HEAD to that branch; any other ref (a
 * tag, {@code tags/v1.2.3}, a commit, {@code origin/main}, {@code HEAD~1}) detaches HEAD at the
 * commit it names. Submodules follow ({@code git submodule update --init --recursive}) when the
 * repository has a {@code .gitmodules}.
 *
 * <p>Before changing anything it records HEAD's commit, its branch (or that it was detached) and
 * whether the work tree was clean; undo goes back to exactly that commit with the branch
 * re-attached. A dirty work tree is refused ({@link GitDirtyWorktreeException}) unless
 * {@link #stashChanges()}.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy v1.3.0")
 *     .step(Git.checkout(repo, "v1.3.0"))
 *     .step(Command.of("composer", "install", "--no-dev").in(repo))
 *     .build();
 * }</pre>
 */
public final class GitCheckout implements GitStep {
    /** A name that can only mean {@code refs/heads/<name>} when that branch exists (no {@code ~ ^ : @ ..}). */
    private static final java.util.regex.Pattern PLAIN_NAME =
            java.util.regex.Pattern.compile("(?!.*\\.\\.)(?!.*//)[A-Za-z0-9_][A-Za-z0-9._/-]*(?<![./])");

    private final Path repo;
    private final String ref;
    private final boolean stash;
    private final String git;

    GitCheckout(Path repo, String ref, boolean stash, String git) {
        this.repo = repo;
        this.ref = ref;
        this.stash = stash;
        this.git = git;
    }

    /**
     * Stashes uncommitted changes and untracked files before checking out (under a unique
     * message, recorded) and restores them on undo, instead of refusing a dirty work tree.
     */
    public GitCheckout stashChanges() {
        return new GitCheckout(repo, ref, true, git);
    }

    /** Runs this git executable instead of {@code git} from the PATH. */
    public GitCheckout using(Path gitBinary) {
        return new GitCheckout(repo, ref, stash, Args.gitBinary(gitBinary));
    }

    /** The ref as given. */
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
        return "git checkout " + ref;
    }

    @Override
    public String type() {
        return Git.CHECKOUT;
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
        return "git checkout " + ref + " in " + repo + (stash ? ", stashing local changes" : "");
    }

    @Override
    public void validate(StepContext ctx) {
        try {
            // two git processes: the work tree with the ref resolved, then HEAD and the changes
            GitCli.Opened opened = GitCli.openResolving(ctx.commands(), git, repo, ref);
            GitCli cli = opened.cli();
            GitCli.Status status = cli.status(true);
            cli.head(status);
            if (opened.commit().isEmpty()) {
                cli.requireCommit(ref);
            }
            if (!stash && !status.changed().isEmpty()) {
                throw new GitDirtyWorktreeException(cli.repo(), status.changed());
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
        boolean toBranch = cli.localBranchExists(ref);
        String target = target(cli, toBranch);
        int changed = cli.changedFiles(true).size();
        return "git checkout " + ref + " in " + cli.repo() + ": "
                + Args.summary(head, cli.subject(head), target, cli.subject(target))
                + ", " + branch.orElse("detached HEAD") + " -> " + (toBranch ? ref : "detached HEAD")
                + (changed > 0 && stash ? "; stashes " + changed + " local change(s), restored on undo" : "")
                + (cli.hasSubmodules() ? "; updates submodules" : "");
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        // a plain name is a local branch exactly when refs/heads/<name> resolves: asked together
        // with the work tree's top level, one git process less
        boolean plain = PLAIN_NAME.matcher(ref).matches();
        GitCli.Opened opened = GitCli.openResolving(ctx.commands(), git, repo, plain ? "refs/heads/" + ref : ref);
        GitCli cli = opened.cli();
        boolean toBranch = plain ? opened.commit().isPresent() : cli.localBranchExists(ref);
        String target = plain
                ? opened.commit().orElseGet(() -> cli.requireCommit(ref))
                : toBranch ? cli.requireCommit("refs/heads/" + ref) : opened.commit().orElseGet(() -> cli.requireCommit(ref));
        List<String> changed = HeadState.captureAndRecord(ctx, cli, stash, Map.of(Keys.TARGET, target));
        try {
            HeadState.stashIfNeeded(ctx, cli, changed);
            if (toBranch) {
                cli.run("checkout", ref, "--");
            } else {
                cli.run("checkout", "--detach", target, "--");
            }
            cli.updateSubmodulesIfAny();
        } catch (Exception e) {
            Git.restoreAfterFailure(ctx, compensation(), e);
            throw e;
        }
        ctx.logger().info("{}: checked out {} ({})", cli.repo(), ref, GitCli.shortSha(target));
        ctx.summary("HEAD " + ctx.recorded(Keys.HEAD).map(Args::shortSha).orElse("?") + " -> " + GitCli.shortSha(target)
                + " (" + ref + ")");
    }

    private String target(GitCli cli, boolean toBranch) {
        return toBranch ? cli.requireCommit("refs/heads/" + ref) : cli.requireCommit(ref);
    }

    @Override
    public String toString() {
        return "GitCheckout[" + ref + " in " + repo + (stash ? ", stash" : "") + "]";
    }
}
