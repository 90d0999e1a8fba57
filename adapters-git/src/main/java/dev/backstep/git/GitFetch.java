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
import dev.backstep.git.internal.Keys;
import dev.backstep.git.internal.RefChanges;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code git fetch <remote>}: updates the remote-tracking refs (and the tags git follows) without
 * touching HEAD, branches or the work tree.
 *
 * <p>Before fetching it snapshots the remote's remote-tracking refs and the tags to an
 * owner-only file in the step's backup directory; undo puts back every ref the fetch changed
 * (deletes the ones it created) unless someone moved it since.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy").step(Git.fetch(repo, "origin")).step(Git.checkout(repo, "origin/main")).build();
 * }</pre>
 *
 * <p>Refs are validated before any step runs, so a ref that only the fetch brings in (a tag
 * pushed a minute ago) fails the validation of a later checkout in the same plan: fetch before
 * running the plan, or check out {@code origin/<branch>} after {@code git fetch} has run once.
 */
public final class GitFetch extends GitStepBase<GitFetch> implements GitStep {
    private final String remote;
    private final Askpass.Credentials credentials;

    GitFetch(Path repo, String remote, String git) {
        this("git fetch " + remote, repo, remote, git, null);
    }

    private GitFetch(String name, Path repo, String remote, String git, Askpass.Credentials credentials) {
        super(name, Git.FETCH, repo, git);
        this.remote = remote;
        this.credentials = credentials;
    }

    @Override
    GitFetch copy(String newName, String newGit) {
        return new GitFetch(newName, repo, remote, newGit, credentials);
    }

    /**
     * Answers the remote's HTTP credential prompt with {@code username} and {@code password}:
     * git gets them through {@code GIT_ASKPASS} and the environment, never argv, with configured
     * credential helpers off; the run masks the password everywhere.
     *
     * <pre>{@code
     * Git.fetch(repo, "origin").credentials("ci", Secret.of(System.getenv("GIT_TOKEN")));
     * }</pre>
     */
    public GitFetch credentials(String username, Secret password) {
        return new GitFetch(name(), repo, remote, git, Args.credentials(username, password));
    }

    @Override
    public Set<Secret> secrets() {
        return credentials == null ? Set.of() : Set.of(credentials.password());
    }

    public String remote() {
        return remote;
    }

    /**
     * Every remote-tracking ref of the remote and every tag ({@code git for-each-ref}), read-only.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        return List.of(GitFingerprints.refs(cli(ctx), "refs/remotes/" + remote + "/", "refs/tags/"));
    }

    @Override
    public Compensation compensation() {
        return GitCompensations.RESTORE_FETCH;
    }

    @Override
    public String describe() {
        return "git fetch " + remote + " in " + repo;
    }

    @Override
    void check(GitCli cli) {
        requireRemote(cli, remote);
    }

    @Override
    public String preview(StepContext ctx) {
        GitCli cli = cli(ctx);
        return "git fetch " + remote + " in " + cli.repo() + ": updates refs/remotes/" + remote
                + "/* and tags; HEAD stays at " + cli.resolveCommit("HEAD").map(Args::shortSha).orElse("(no commit)");
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        GitCli cli = cli(ctx);
        requireRemote(cli, remote);
        ctx.record(Keys.REPO, cli.repo().toString());
        ctx.record(Keys.GIT, cli.git());
        RefChanges.recordBefore(ctx, cli, remote);
        try {
            cli.withCredentials(credentials).run(Reason.FETCH_FAILED, "git fetch " + remote, "fetch", remote);
            RefChanges.recordChanges(ctx, cli);
        } catch (Exception e) {
            Git.restoreAfterFailure(ctx, compensation(), e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "GitFetch[" + remote + " in " + repo + "]";
    }
}
