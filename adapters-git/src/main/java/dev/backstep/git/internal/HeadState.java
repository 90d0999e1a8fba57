package dev.backstep.git.internal;

import dev.backstep.StepContext;
import dev.backstep.git.GitDirtyWorktreeException;
import dev.backstep.git.GitException;
import dev.backstep.git.GitException.Reason;
import java.util.List;
import java.util.UUID;

/** Captures and records where HEAD is before a step moves it, and stashes local changes. */
public final class HeadState {
    private HeadState() {
    }

    /**
     * Reads HEAD, its branch and the work tree status, refuses a dirty work tree unless
     * {@code stash}, and records everything the compensation needs. Changes nothing.
     *
     * @return the changed files (empty when clean)
     */
    public static List<String> captureAndRecord(StepContext ctx, GitCli cli, boolean stash) {
        String head = cli.head();
        var branch = cli.branch();
        List<String> changed = cli.changedFiles(true);
        if (!changed.isEmpty() && !stash) {
            throw new GitDirtyWorktreeException(cli.repo(), changed);
        }
        ctx.record(Keys.REPO, cli.repo().toString());
        ctx.record(Keys.GIT, cli.git());
        ctx.record(Keys.DETACHED, String.valueOf(branch.isEmpty()));
        branch.ifPresent(b -> ctx.record(Keys.BRANCH, b));
        ctx.record(Keys.CLEAN, String.valueOf(changed.isEmpty()));
        ctx.record(Keys.HEAD, head);
        return changed;
    }

    /** Stashes the changes (untracked files too) under a unique, recorded message. */
    public static void stashIfNeeded(StepContext ctx, GitCli cli, List<String> changed) {
        if (changed.isEmpty()) {
            return;
        }
        String message = "backstep: run " + ctx.runId().value() + ", step '" + ctx.stepName() + "', "
                + UUID.randomUUID();
        ctx.record(Keys.STASH_MESSAGE, message);
        String sha = cli.stash(message);
        ctx.record(Keys.STASH, sha);
        List<String> left = cli.changedFiles(true);
        if (!left.isEmpty()) {
            throw new GitException(Reason.STASH_FAILED, cli.repo(), "stashing left changes in " + cli.repo()
                    + " (a modified submodule?): " + left);
        }
        ctx.logger().info("stashed {} local change(s) in {} as {}", changed.size(), cli.repo(),
                GitCli.shortSha(sha));
    }
}
