package dev.backstep.git.internal;

import dev.backstep.StepContext;
import dev.backstep.git.GitDirtyWorktreeException;
import dev.backstep.git.GitException;
import dev.backstep.git.GitException.Reason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return captureAndRecord(ctx, cli, stash, Map.of());
    }

    /** As above, recording {@code extra} values of the step in the same journal sync. */
    public static List<String> captureAndRecord(StepContext ctx, GitCli cli, boolean stash,
                                                Map<String, String> extra) {
        GitCli.Status status = cli.status(true); // HEAD, branch and changes from one git process
        String head = cli.head(status);
        var branch = status.branch();
        List<String> changed = status.changed();
        if (!changed.isEmpty() && !stash) {
            throw new GitDirtyWorktreeException(cli.repo(), changed);
        }
        // one journal sync for all of it: nothing changes before the step's command runs
        Map<String, String> values = new LinkedHashMap<>();
        values.put(Keys.REPO, cli.repo().toString());
        values.put(Keys.GIT, cli.git());
        values.put(Keys.DETACHED, String.valueOf(branch.isEmpty()));
        branch.ifPresent(b -> values.put(Keys.BRANCH, b));
        values.put(Keys.CLEAN, String.valueOf(changed.isEmpty()));
        values.put(Keys.HEAD, head);
        values.putAll(extra);
        ctx.recordAll(values);
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
