package dev.backstep.git.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.git.GitException;
import dev.backstep.git.GitException.Reason;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The compensations of the git steps. Stateless: each reads only the values its step recorded,
 * tolerates missing ones (nothing was changed yet), and may run any number of times.
 */
public enum GitCompensations implements Compensation {
    /** Checkout and reset: HEAD, branch, work tree and stashed changes back as recorded. */
    RESTORE_HEAD {
        @Override
        public void compensate(StepContext ctx) {
            restoreHead(ctx);
        }
    },
    /** Pull: {@link #RESTORE_HEAD}, then the remote-tracking refs and tags the fetch changed. */
    RESTORE_PULL {
        @Override
        public void compensate(StepContext ctx) {
            restoreHead(ctx);
            RefChanges.undo(ctx);
        }
    },
    /** Fetch: the remote-tracking refs and tags back as recorded. */
    RESTORE_FETCH {
        @Override
        public void compensate(StepContext ctx) {
            RefChanges.undo(ctx);
        }
    },
    /** Tag: deletes the tag the step created, only if it created it and it was not moved since. */
    DELETE_TAG {
        @Override
        public void compensate(StepContext ctx) {
            deleteTag(ctx);
        }
    };

    /** Opens the recorded repository with the recorded git executable, if the step recorded one. */
    static Optional<GitCli> recordedRepo(StepContext ctx) {
        return ctx.recorded(Keys.REPO).map(repo ->
                GitCli.open(ctx.commands(), ctx.recorded(Keys.GIT).orElse("git"), Path.of(repo)));
    }

    static void restoreHead(StepContext ctx) {
        Optional<String> head = ctx.recorded(Keys.HEAD);
        // the recorded top level as it is: its git status (one process for HEAD, branch and
        // changes) fails if it is no longer a work tree, and opening it then names why
        Optional<GitCli> opened = head.isPresent() ? ctx.recorded(Keys.REPO).map(repo ->
                GitCli.at(ctx.commands(), ctx.recorded(Keys.GIT).orElse("git"), Path.of(repo))) : Optional.empty();
        if (opened.isEmpty()) {
            ctx.logger().info("nothing recorded about HEAD: the step changed nothing, nothing to undo");
            return;
        }
        GitCli cli = opened.get();
        GitCli.Status status;
        try {
            status = cli.status(false);
        } catch (GitException e) {
            if (e.reason() != Reason.COMMAND_FAILED) {
                throw e;
            }
            cli = recordedRepo(ctx).orElseThrow(); // NOT_A_REPOSITORY when it is none any more
            status = cli.status(false);
        }
        String wantHead = head.get();
        Optional<String> wantBranch = "true".equals(ctx.recorded(Keys.DETACHED).orElse("false"))
                ? Optional.empty() : ctx.recorded(Keys.BRANCH);

        GitCli repo = cli;
        Optional<String> stash = ctx.recorded(Keys.STASH)
                .or(() -> ctx.recorded(Keys.STASH_MESSAGE).flatMap(repo::findStash));
        boolean stashPending = stash.isPresent() && cli.stashCommits().contains(stash.get());

        boolean atHead = wantHead.equals(status.head().orElse("")) && wantBranch.equals(status.branch());
        if (atHead && !stashPending) {
            cli.updateSubmodulesIfAny();
            ctx.logger().info("{} is already at {}{}", cli.repo(), GitCli.shortSha(wantHead),
                    wantBranch.map(b -> " on " + b).orElse(" (detached)"));
            return;
        }

        List<String> changed = status.changed();
        Optional<String> safety = Optional.empty();
        if (!changed.isEmpty()) {
            String message = "backstep: changes found while undoing step '" + ctx.stepName() + "' of run "
                    + ctx.runId().value() + " at " + ctx.clock().instant();
            safety = Optional.of(cli.stash(message));
            ctx.logger().warn("{} had {} uncommitted change(s) while undoing '{}': kept them in stash {} ('{}')",
                    cli.repo(), changed.size(), ctx.stepName(), GitCli.shortSha(safety.get()), message);
        }
        if (!atHead) {
            if (wantBranch.isPresent()) {
                cli.run("checkout", "-B", wantBranch.get(), wantHead, "--");
            } else {
                cli.run("checkout", "--detach", wantHead, "--");
            }
        }
        cli.updateSubmodulesIfAny();
        if (stashPending) {
            restoreStash(cli, stash.get());
            if (safety.isPresent() && atHead && cli.sameStashContent(safety.get(), stash.get())) {
                // an earlier, interrupted undo had applied the stash already: the safety copy is a duplicate
                dropStash(cli, safety.get());
                ctx.logger().info("dropped {}: the same changes as the restored stash", GitCli.shortSha(safety.get()));
            }
        }
        ctx.logger().info("{} is back at {}{}", cli.repo(), GitCli.shortSha(wantHead),
                wantBranch.map(b -> " on " + b).orElse(" (detached)"));
    }

    private static void restoreStash(GitCli cli, String sha) {
        cli.run(Reason.STASH_FAILED, "git stash apply --index " + GitCli.shortSha(sha),
                "stash", "apply", "--index", sha);
        dropStash(cli, sha);
    }

    private static void dropStash(GitCli cli, String sha) {
        int index = cli.stashCommits().indexOf(sha);
        if (index >= 0) {
            cli.run(Reason.STASH_FAILED, "git stash drop", "stash", "drop", "stash@{" + index + "}");
        }
    }

    static void deleteTag(StepContext ctx) {
        Optional<String> tag = ctx.recorded(Keys.TAG);
        if (tag.isEmpty() || !"false".equals(ctx.recorded(Keys.TAG_EXISTED).orElse("true"))) {
            ctx.logger().info("the step created no tag, nothing to undo");
            return;
        }
        Optional<GitCli> opened = recordedRepo(ctx);
        if (opened.isEmpty()) {
            return;
        }
        GitCli cli = opened.get();
        String ref = "refs/tags/" + tag.get();
        Optional<String> now = cli.refValue(ref);
        if (now.isEmpty()) {
            ctx.logger().info("tag {} does not exist in {}: nothing to undo", tag.get(), cli.repo());
            return;
        }
        Optional<String> created = ctx.recorded(Keys.TAG_REF);
        boolean ours = created.isPresent()
                ? created.get().equals(now.get())
                : ctx.recorded(Keys.TARGET).equals(cli.resolveCommit(ref));
        if (!ours) {
            throw new GitException(Reason.CHANGED_SINCE, cli.repo(), "tag " + tag.get() + " in " + cli.repo()
                    + " was changed after the step created it (now " + GitCli.shortSha(now.get())
                    + "); left it alone: delete it by hand if it should go");
        }
        cli.exec(List.of("update-ref", "-d", ref, now.get()), Set.of(0));
        ctx.logger().info("deleted tag {} in {}", tag.get(), cli.repo());
    }
}
