package dev.backstep.git;

import dev.backstep.git.internal.GitCli;
import java.nio.file.Path;
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
public final class GitCheckout extends HeadMove implements GitStep {

    GitCheckout(Path repo, String ref, boolean stash, String git) {
        super(repo, ref, stash, git);
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

    @Override
    public String name() {
        return "git checkout " + ref;
    }

    @Override
    public String type() {
        return Git.CHECKOUT;
    }

    @Override
    Move resolve(GitCli cli) {
        boolean toBranch = cli.localBranchExists(ref);
        String target = toBranch ? cli.requireCommit("refs/heads/" + ref) : cli.requireCommit(ref);
        return toBranch
                ? new Move(target, false, "checkout", ref, "--")
                : new Move(target, true, "checkout", "--detach", target, "--");
    }

    @Override
    String headChange(Optional<String> branch, Move move) {
        return branch.orElse("detached HEAD") + " -> " + (move.detaches() ? "detached HEAD" : ref);
    }

    @Override
    String done() {
        return "checked out";
    }

    @Override
    String summaryNote() {
        return ref;
    }
}
