package dev.backstep.git;

import dev.backstep.git.internal.GitCli;
import java.nio.file.Path;
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
public final class GitReset extends HeadMove<GitReset> implements GitStep {

    private static final String VERB = "git reset --hard";

    GitReset(Path repo, String ref, boolean stash, String git) {
        this(VERB + " " + ref, repo, ref, stash, git);
    }

    private GitReset(String name, Path repo, String ref, boolean stash, String git) {
        super(name, Git.RESET, VERB, repo, ref, stash, git);
    }

    @Override
    GitReset copy(String newName, boolean newStash, String newGit) {
        return new GitReset(newName, repo, ref, newStash, newGit);
    }

    @Override
    Move resolve(GitCli cli) {
        String target = cli.requireCommit(ref);
        return new Move(target, false, "reset", "--hard", target);
    }

    @Override
    String headChange(Optional<String> branch, Move move) {
        return "moves " + branch.map(b -> "branch " + b).orElse("the detached HEAD");
    }

    @Override
    String done() {
        return "reset --hard to";
    }

    @Override
    String summaryNote() {
        return "reset --hard " + ref;
    }
}
