package dev.backstep.git;

import dev.backstep.StepContext;
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
public final class GitCheckout extends HeadMove<GitCheckout> implements GitStep {
    /** A name that can only mean {@code refs/heads/<name>} when that branch exists (no {@code ~ ^ : @ ..}). */
    private static final java.util.regex.Pattern PLAIN_NAME =
            java.util.regex.Pattern.compile("(?!.*\\.\\.)(?!.*//)[A-Za-z0-9_][A-Za-z0-9._/-]*(?<![./])");

    private static final String VERB = "git checkout";

    GitCheckout(Path repo, String ref, boolean stash, String git) {
        this(VERB + " " + ref, repo, ref, stash, git);
    }

    private GitCheckout(String name, Path repo, String ref, boolean stash, String git) {
        super(name, Git.CHECKOUT, VERB, repo, ref, stash, git);
    }

    @Override
    GitCheckout copy(String newName, boolean newStash, String newGit) {
        return new GitCheckout(newName, repo, ref, newStash, newGit);
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
    Move resolve(GitCli cli) {
        boolean toBranch = cli.localBranchExists(ref);
        return move(toBranch ? cli.requireCommit("refs/heads/" + ref) : cli.requireCommit(ref), toBranch);
    }

    @Override
    Opened open(StepContext ctx) {
        // a plain name is a local branch exactly when refs/heads/<name> resolves: asked together
        // with the work tree's top level, one git process less
        boolean plain = PLAIN_NAME.matcher(ref).matches();
        GitCli.Opened opened = GitCli.openResolving(ctx.commands(), git, repo, plain ? "refs/heads/" + ref : ref);
        GitCli cli = opened.cli();
        boolean toBranch = plain ? opened.commit().isPresent() : cli.localBranchExists(ref);
        String target = plain
                ? opened.commit().orElseGet(() -> cli.requireCommit(ref))
                : toBranch ? cli.requireCommit("refs/heads/" + ref) : opened.commit().orElseGet(() -> cli.requireCommit(ref));
        return new Opened(cli, move(target, toBranch));
    }

    private Move move(String target, boolean toBranch) {
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
