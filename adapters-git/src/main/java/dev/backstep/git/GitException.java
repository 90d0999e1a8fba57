package dev.backstep.git;

import dev.backstep.BackstepException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A git step or query could not do its work. {@link #reason()} says why in a form a program can
 * react to; the message says it for a human (repository, ref, the tail of git's stderr).
 *
 * <p>Raised before anything changes when the repository disagrees with the step (the steps'
 * {@code validate} wraps it in a {@link dev.backstep.StepValidationException}; a bad argument to a
 * factory or builder is a {@link dev.backstep.PlanDefinitionException}), and by the forward action after it has
 * put the repository back as it was.
 *
 * <pre>{@code
 * try {
 *     List<GitRelease> tags = Git.releases(repo);
 * } catch (GitException e) {
 *     if (e.reason() == GitException.Reason.GIT_NOT_FOUND) System.err.println("install git");
 * }
 * }</pre>
 */
public class GitException extends BackstepException {
    private static final long serialVersionUID = 1L;

    /** Why a git operation failed. */
    public enum Reason {
        /** The git executable could not be started (not on the {@code PATH}, wrong path). */
        GIT_NOT_FOUND,
        /** The directory does not exist or is not inside a git work tree. */
        NOT_A_REPOSITORY,
        /** The repository has no commit yet (HEAD is unborn). */
        NO_COMMITS,
        /** A ref, tag, branch or revision expression does not name a commit. */
        UNKNOWN_REF,
        /** No remote of that name is configured. */
        UNKNOWN_REMOTE,
        /**
         * git refuses a name while the step validates (a tag name {@code git check-ref-format}
         * rejects). A bad argument to a factory or builder (null, blank, starting with '-') is a
         * {@link dev.backstep.PlanDefinitionException} instead.
         */
        INVALID_ARGUMENT,
        /** The work tree has uncommitted or untracked changes and stashing was not asked for. */
        DIRTY_WORKTREE,
        /** HEAD is detached where a branch is needed (pull). */
        DETACHED_HEAD,
        /** {@code git fetch} failed (network, credentials, unknown remote branch). */
        FETCH_FAILED,
        /** The pulled branch has diverged: it cannot be fast-forwarded. */
        NOT_FAST_FORWARD,
        /** The tag already exists and points to another commit. */
        TAG_EXISTS,
        /** Undoing found the repository changed in a way it must not overwrite (a moved tag). */
        CHANGED_SINCE,
        /** Undo data the step kept outside the journal (a ref snapshot file) is gone or unreadable. */
        UNDO_DATA_MISSING,
        /** The local changes could not be stashed or restored. */
        STASH_FAILED,
        /** Any other failing git command; the cause carries the command and its stderr. */
        COMMAND_FAILED
    }

    private final Reason reason;
    private final String repository;

    public GitException(Reason reason, Path repository, String message) {
        this(reason, repository, message, null);
    }

    public GitException(Reason reason, Path repository, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.repository = repository == null ? null : repository.toString();
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }

    /** The repository concerned, when known. */
    public Optional<Path> repository() {
        return Optional.ofNullable(repository).map(Path::of);
    }
}
