package dev.backstep.git;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.git.GitException.Reason;
import dev.backstep.git.internal.Askpass;
import dev.backstep.git.internal.GitCli;
import dev.backstep.git.internal.GitCompensations;
import dev.backstep.git.internal.GitFingerprints;
import dev.backstep.git.internal.HeadState;
import dev.backstep.git.internal.Keys;
import dev.backstep.git.internal.RefChanges;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code git pull --ff-only <remote> <branch>} into the branch HEAD is attached to: fetches the
 * remote branch, then fast-forwards. It never merges or rebases: a diverged branch fails with
 * {@link GitException.Reason#NOT_FAST_FORWARD} and the repository is left as it was.
 *
 * <p>Records HEAD's commit, the branch and whether the work tree was clean, plus the
 * remote-tracking refs and tags before fetching; undo moves the branch back to the recorded
 * commit (HEAD stays attached) and puts back the refs the fetch changed. A detached HEAD is
 * refused ({@link GitException.Reason#DETACHED_HEAD}), and so is a dirty work tree unless
 * {@link #stashChanges()}.
 *
 * <pre>{@code
 * Plan plan = Plan.named("update bot").step(Git.pull(repo, "origin", "main")).build();
 * }</pre>
 */
public final class GitPull extends GitStepBase<GitPull> implements GitStep {
    private final String remote;
    private final String branch;
    private final boolean stash;
    private final Askpass.Credentials credentials;

    GitPull(Path repo, String remote, String branch, boolean stash, String git) {
        this("git pull " + remote + " " + branch, repo, remote, branch, stash, git, null);
    }

    private GitPull(String name, Path repo, String remote, String branch, boolean stash, String git,
                    Askpass.Credentials credentials) {
        super(name, Git.PULL, repo, git);
        this.remote = remote;
        this.branch = branch;
        this.stash = stash;
        this.credentials = credentials;
    }

    /** Stashes local changes before pulling and restores them on undo, instead of refusing. */
    public GitPull stashChanges() {
        return new GitPull(name(), repo, remote, branch, true, git, credentials);
    }

    @Override
    GitPull copy(String newName, String newGit) {
        return new GitPull(newName, repo, remote, branch, stash, newGit, credentials);
    }

    /**
     * Answers the remote's HTTP credential prompt with {@code username} and {@code password}:
     * git gets them through {@code GIT_ASKPASS} and the environment, never argv, with configured
     * credential helpers off; the run masks the password everywhere.
     *
     * <pre>{@code
     * Git.pull(repo, "origin", "main").credentials("ci", Secret.of(System.getenv("GIT_TOKEN")));
     * }</pre>
     */
    public GitPull credentials(String username, Secret password) {
        return new GitPull(name(), repo, remote, branch, stash, git, Args.credentials(username, password));
    }

    @Override
    public Set<Secret> secrets() {
        return credentials == null ? Set.of() : Set.of(credentials.password());
    }

    public String remote() {
        return remote;
    }

    /** The remote branch pulled. */
    public String branch() {
        return branch;
    }

    /**
     * HEAD, branch, status and stash, and every remote-tracking ref of the remote and every tag
     * ({@code git for-each-ref}), read-only.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        GitCli cli = cli(ctx);
        return List.of(GitFingerprints.head(cli), GitFingerprints.refs(cli, "refs/remotes/" + remote + "/", "refs/tags/"));
    }

    @Override
    public Compensation compensation() {
        return GitCompensations.RESTORE_PULL;
    }

    @Override
    public String describe() {
        return "git pull --ff-only " + remote + " " + branch + " in " + repo + (stash ? ", stashing local changes" : "");
    }

    @Override
    void check(GitCli cli) {
        cli.head();
        requireBranch(cli);
        requireRemote(cli, remote);
        if (!stash) {
            requireClean(cli);
        }
    }

    @Override
    public String preview(StepContext ctx) {
        GitCli cli = cli(ctx);
        String head = cli.head();
        String local = cli.branch().orElse("detached HEAD");
        Optional<String> known = cli.resolveCommit("refs/remotes/" + remote + "/" + branch);
        String what = "git pull --ff-only " + remote + " " + branch + " into " + local + " in " + cli.repo() + ": ";
        return what + known.map(t -> Args.summary(head, cli.subject(head), t, cli.subject(t))
                        + " as of the last fetch").orElse(Args.shortSha(head) + " -> whatever " + remote
                        + " has on " + branch)
                + (stash && !cli.changedFiles(true).isEmpty() ? "; stashes local changes, restored on undo" : "");
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        GitCli cli = cli(ctx);
        String local = requireBranch(cli);
        requireRemote(cli, remote);
        List<String> changed = HeadState.captureAndRecord(ctx, cli, stash);
        String head = ctx.recorded(Keys.HEAD).orElseThrow();
        RefChanges.recordBefore(ctx, cli, remote);
        try {
            HeadState.stashIfNeeded(ctx, cli, changed);
            cli.withCredentials(credentials).run(Reason.FETCH_FAILED, "git fetch " + remote + " " + branch, "fetch",
                    remote, branch);
            RefChanges.recordChanges(ctx, cli);
            String target = cli.requireCommit("FETCH_HEAD");
            ctx.record(Keys.TARGET, target);
            int ancestor = cli.exec(List.of("merge-base", "--is-ancestor", head, target), Set.of(0, 1)).exitCode();
            if (ancestor != 0) {
                throw new GitException(Reason.NOT_FAST_FORWARD, cli.repo(), local + " in " + cli.repo()
                        + " has diverged from " + remote + "/" + branch + " (" + Args.shortSha(head) + " is not an"
                        + " ancestor of " + Args.shortSha(target) + "): it cannot be fast-forwarded; nothing changed");
            }
            cli.run("merge", "--ff-only", target);
            cli.updateSubmodulesIfAny();
            ctx.logger().info("{}: {} fast-forwarded {} -> {}", cli.repo(), local, Args.shortSha(head),
                    Args.shortSha(target));
            ctx.summary(local + " " + Args.shortSha(head) + " -> " + Args.shortSha(target) + " (fast-forward from "
                    + remote + "/" + branch + ")");
        } catch (Exception e) {
            Git.restoreAfterFailure(ctx, compensation(), e);
            throw e;
        }
    }

    private String requireBranch(GitCli cli) {
        return cli.branch().orElseThrow(() -> new GitException(Reason.DETACHED_HEAD, cli.repo(),
                "HEAD is detached in " + cli.repo() + ": pull needs a checked-out branch to fast-forward"));
    }

    @Override
    public String toString() {
        return "GitPull[" + remote + " " + branch + " in " + repo + (stash ? ", stash" : "") + "]";
    }
}
