package dev.backstep.git;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.git.GitException.Reason;
import dev.backstep.git.internal.GitCli;
import dev.backstep.git.internal.GitCompensations;
import dev.backstep.git.internal.GitFingerprints;
import dev.backstep.git.internal.Keys;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code git tag <name> <commit>}: a lightweight tag by default, an annotated one with
 * {@link #annotated(String)}; at HEAD unless {@link #at(String)}. The commit is resolved when the
 * step runs (after the steps before it).
 *
 * <p>A tag that already exists at the same commit is left as it is (the step does nothing and
 * its undo does nothing); one that exists at another commit is refused
 * ({@link GitException.Reason#TAG_EXISTS}) before anything changes. Undo deletes only the tag
 * this step created, and only while it still has the value the step gave it.
 *
 * <pre>{@code
 * Plan plan = Plan.named("release").step(Git.tag(repo, "deployed-2025-06-01").annotated("deployed by CI")).build();
 * }</pre>
 */
public final class GitTag extends GitStepBase<GitTag> implements GitStep {
    private final String tag;
    private final String at;
    private final String message;

    GitTag(Path repo, String tag, String at, String message, String git) {
        this("git tag " + tag, repo, tag, at, message, git);
    }

    private GitTag(String name, Path repo, String tag, String at, String message, String git) {
        super(name, Git.TAG, repo, git);
        this.tag = tag;
        this.at = at;
        this.message = message;
    }

    /** Tags the commit {@code ref} names instead of HEAD. */
    public GitTag at(String ref) {
        return new GitTag(name(), repo, tag, Args.name("the ref to tag", ref), message, git);
    }

    /** Creates an annotated tag with this message (needs {@code user.name}/{@code user.email}). */
    public GitTag annotated(String tagMessage) {
        if (tagMessage == null || tagMessage.isBlank()) {
            throw new dev.backstep.PlanDefinitionException(null, name(), "the message of annotated tag '" + tag
                    + "' is null or blank, was " + (tagMessage == null ? null : "'" + tagMessage + "'"));
        }
        return new GitTag(name(), repo, tag, at, tagMessage, git);
    }

    @Override
    GitTag copy(String newName, String newGit) {
        return new GitTag(newName, repo, tag, at, message, newGit);
    }

    /** The tag name. */
    public String tag() {
        return tag;
    }

    /** What is tagged ({@code HEAD} unless {@link #at(String)}). */
    public String target() {
        return at;
    }

    /** The message of an annotated tag. */
    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    /**
     * Every tag and what it points to ({@code git for-each-ref refs/tags/}), read-only.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        return List.of(GitFingerprints.refs(cli(ctx), "refs/tags/"));
    }

    @Override
    public Compensation compensation() {
        return GitCompensations.DELETE_TAG;
    }

    @Override
    public String describe() {
        return "git tag " + (message != null ? "-a " : "") + tag + " " + at + " in " + repo;
    }

    @Override
    void check(GitCli cli) {
        checkName(cli);
        String target = cli.requireCommit(at);
        existing(cli).filter(e -> !e.equals(target)).ifPresent(e -> {
            throw exists(cli, e, target);
        });
    }

    @Override
    public String preview(StepContext ctx) {
        GitCli cli = cli(ctx);
        String target = cli.requireCommit(at);
        String where = Args.shortSha(target) + " (\"" + cli.subject(target) + "\") in " + cli.repo();
        return existing(cli).isPresent()
                ? "git tag " + tag + ": already at " + where + ", nothing to do"
                : "git tag " + (message != null ? "-a " : "") + tag + " at " + where;
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        GitCli cli = cli(ctx);
        checkName(cli);
        String target = cli.requireCommit(at);
        Optional<String> existing = existing(cli);
        if (existing.isPresent() && !existing.get().equals(target)) {
            throw exists(cli, existing.get(), target);
        }
        ctx.record(Keys.REPO, cli.repo().toString());
        ctx.record(Keys.GIT, cli.git());
        ctx.record(Keys.TAG, tag);
        ctx.record(Keys.TARGET, target);
        ctx.record(Keys.TAG_EXISTED, String.valueOf(existing.isPresent()));
        if (existing.isPresent()) {
            ctx.logger().info("{}: tag {} already at {}, nothing to do", cli.repo(), tag, Args.shortSha(target));
            return;
        }
        try {
            if (message == null) {
                cli.run("tag", tag, target);
            } else {
                cli.run("tag", "-a", "-m", message, tag, target);
            }
            ctx.record(Keys.TAG_REF, cli.refValue("refs/tags/" + tag).orElseThrow());
        } catch (Exception e) {
            Git.restoreAfterFailure(ctx, compensation(), e);
            throw e;
        }
        ctx.logger().info("{}: tagged {} as {}", cli.repo(), Args.shortSha(target), tag);
    }

    private void checkName(GitCli cli) {
        int code = cli.exec(List.of("check-ref-format", "refs/tags/" + tag), Set.of(0, 1)).exitCode();
        if (code != 0) {
            throw new GitException(Reason.INVALID_ARGUMENT, cli.repo(), "'" + tag + "' is not a valid tag name");
        }
    }

    private Optional<String> existing(GitCli cli) {
        return cli.refValue("refs/tags/" + tag).flatMap(v -> cli.resolveCommit("refs/tags/" + tag));
    }

    private GitException exists(GitCli cli, String existing, String target) {
        return new GitException(Reason.TAG_EXISTS, cli.repo(), "tag " + tag + " already exists in " + cli.repo()
                + " at " + Args.shortSha(existing) + ", not at " + Args.shortSha(target) + " (" + at + ")");
    }

    @Override
    public String toString() {
        return "GitTag[" + tag + " at " + at + " in " + repo + "]";
    }
}
