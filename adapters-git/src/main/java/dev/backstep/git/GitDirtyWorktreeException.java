package dev.backstep.git;

import java.nio.file.Path;
import java.util.List;

/**
 * The work tree has uncommitted changes or untracked files, so a step that moves HEAD refused to
 * run ({@link GitException.Reason#DIRTY_WORKTREE}). Nothing was changed. Commit or remove the
 * changes, or let the step stash them with {@code stashChanges()}.
 *
 * <pre>{@code
 * catch (GitDirtyWorktreeException e) {
 *     System.err.println("uncommitted in " + e.repository().orElseThrow() + ": " + e.changedFiles());
 * }
 * }</pre>
 */
public final class GitDirtyWorktreeException extends GitException {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 20;
    private final List<String> changedFiles;

    public GitDirtyWorktreeException(Path repository, List<String> changedFiles) {
        super(Reason.DIRTY_WORKTREE, repository, message(repository, changedFiles));
        this.changedFiles = List.copyOf(changedFiles);
    }

    /** The changed, staged, deleted and untracked paths, relative to the repository root. */
    public List<String> changedFiles() {
        return changedFiles;
    }

    private static String message(Path repository, List<String> files) {
        String shown = String.join(", ", files.subList(0, Math.min(SHOWN, files.size())));
        return "the work tree of " + repository + " has " + files.size() + " uncommitted change(s): " + shown
                + (files.size() > SHOWN ? ", ..." : "")
                + " (commit or remove them, or use stashChanges() to stash them and restore them on undo)";
    }
}
