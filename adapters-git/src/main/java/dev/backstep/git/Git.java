package dev.backstep.git;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.git.internal.GitCli;
import dev.backstep.git.internal.GitCompensations;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Steps that move code with git, and release lookup. Every step runs the {@code git} command
 * line (argv only) through the run's {@link CommandRunner}, so the user's git configuration,
 * credential helpers and hooks keep working; interactive prompts are switched off
 * ({@code GIT_TERMINAL_PROMPT=0}) so that a missing credential fails instead of hanging.
 *
 * <p>Each step records, before it changes anything, the exact previous state (HEAD commit,
 * branch or detached HEAD, whether the work tree was clean, a stash it made, the refs a fetch
 * touches), and its compensation goes back to exactly that from the recorded values alone.
 * Refs are resolved and validated before any step of the plan runs, so a typo fails the dry-run.
 *
 * <pre>{@code
 * List<GitRelease> releases = Git.releases(repo);
 * String previous = GitRelease.previousStable(releases, "v1.3.0").orElseThrow().tag();
 * Plan rollback = Plan.named("roll back shop to " + previous)
 *     .step(Git.checkout(repo, previous))
 *     .step(Command.of("composer", "install", "--no-dev").in(repo))
 *     .build();
 * RunResult r = Backstep.runner().build().run(rollback);
 * }</pre>
 *
 * <p>Validation runs before the first step of the plan, against the repository as it is then:
 * refs are resolved there (a ref that only an earlier step of the same plan brings in, such as a
 * tag a {@link #fetch} would get, fails validation: fetch before running the plan) and resolved
 * again when the step runs ({@code HEAD~1} after a pull means the pulled commit's parent).
 *
 * <p>A dirty work tree (changes, staged files, untracked files) is refused by the steps that
 * move HEAD unless they are told to {@code stashChanges()}. If an undo finds uncommitted changes
 * where it has to move HEAD, it keeps them in a stash entry named after the run and step rather
 * than discarding them.
 *
 * <p>Step types, for recovering runs from the journal: {@link #CHECKOUT}, {@link #PULL},
 * {@link #FETCH}, {@link #RESET}, {@link #TAG}; see {@link #compensations()}.
 */
public final class Git {
    /** Type id of {@link #checkout} steps. */
    public static final String CHECKOUT = "git.checkout";
    /** Type id of {@link #pull} steps. */
    public static final String PULL = "git.pull";
    /** Type id of {@link #fetch} steps. */
    public static final String FETCH = "git.fetch";
    /** Type id of {@link #resetHard} steps. */
    public static final String RESET = "git.reset";
    /** Type id of {@link #tag} steps. */
    public static final String TAG = "git.tag";

    private static final Map<String, Compensation> COMPENSATIONS = Map.of(
            CHECKOUT, GitCompensations.RESTORE_HEAD,
            RESET, GitCompensations.RESTORE_HEAD,
            PULL, GitCompensations.RESTORE_PULL,
            FETCH, GitCompensations.RESTORE_FETCH,
            TAG, GitCompensations.DELETE_TAG);

    private Git() {
    }

    /**
     * Checks out {@code ref}: a local branch attaches HEAD to it, anything else (tag, commit,
     * {@code origin/main}, {@code HEAD~1}) detaches HEAD there.
     *
     * @throws dev.backstep.PlanDefinitionException when repo is null or ref is blank, starts with '-' or
     *     holds whitespace
     */
    public static GitCheckout checkout(Path repo, String ref) {
        return new GitCheckout(Args.repo(repo), Args.name("the ref to check out", ref), false, Args.DEFAULT_GIT);
    }

    /**
     * Fast-forwards the checked-out branch to {@code branch} of {@code remote}
     * ({@code git pull --ff-only remote branch}); fails cleanly when it cannot fast-forward.
     *
     * @throws dev.backstep.PlanDefinitionException for a null repo or a bad remote or branch name
     */
    public static GitPull pull(Path repo, String remote, String branch) {
        return new GitPull(Args.repo(repo), Args.remote(remote), Args.name("the branch", branch),
                false, Args.DEFAULT_GIT);
    }

    /**
     * Fetches {@code remote}: remote-tracking refs and followed tags only.
     *
     * @throws dev.backstep.PlanDefinitionException for a null repo or a bad remote name
     */
    public static GitFetch fetch(Path repo, String remote) {
        return new GitFetch(Args.repo(repo), Args.remote(remote), Args.DEFAULT_GIT);
    }

    /**
     * Moves the current branch (or detached HEAD) and the work tree to {@code ref}
     * ({@code git reset --hard ref}).
     *
     * @throws dev.backstep.PlanDefinitionException for a null repo or a bad ref
     */
    public static GitReset resetHard(Path repo, String ref) {
        return new GitReset(Args.repo(repo), Args.name("the ref to reset to", ref), false, Args.DEFAULT_GIT);
    }

    /**
     * Tags HEAD (or {@link GitTag#at another ref}) with {@code name}; undo deletes the tag.
     *
     * @throws dev.backstep.PlanDefinitionException for a null repo or a bad name
     */
    public static GitTag tag(Path repo, String name) {
        return new GitTag(Args.repo(repo), Args.name("the tag name", name), "HEAD", null, Args.DEFAULT_GIT);
    }

    /**
     * The tags of {@code repo} whose names are versions, sorted by version, oldest first
     * ({@code v1.9.0} before {@code v1.10.0}, {@code v2.0.0-rc.1} before {@code v2.0.0}). Tags that
     * are not versions ({@code latest}, {@code deployed-2025-06-01}) and tags of anything but a
     * commit are left out; see {@link SemanticVersion} for the names that count. Runs
     * {@code git} from the PATH on this machine.
     *
     * @throws GitException GIT_NOT_FOUND, NOT_A_REPOSITORY
     */
    public static List<GitRelease> releases(Path repo) {
        return releases(repo, CommandRunner.local());
    }

    /** {@link #releases(Path)} through another command runner. */
    public static List<GitRelease> releases(Path repo, CommandRunner commands) {
        return releases(repo, commands, Path.of(Args.DEFAULT_GIT));
    }

    /** {@link #releases(Path)} through another command runner and git executable. */
    public static List<GitRelease> releases(Path repo, CommandRunner commands, Path gitBinary) {
        if (commands == null) {
            throw new dev.backstep.PlanDefinitionException(null, null, "the command runner is null");
        }
        GitCli cli = GitCli.open(commands, Args.gitBinary(gitBinary), Args.repo(repo));
        String out = cli.run("for-each-ref",
                "--format=%(refname:strip=2)%09%(objecttype)%09%(objectname)%09%(*objecttype)%09%(*objectname)",
                "refs/tags/");
        List<GitRelease> releases = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length != 5) {
                continue;
            }
            String commit = "commit".equals(f[1]) ? f[2] : "commit".equals(f[3]) ? f[4] : null;
            Optional<SemanticVersion> version = SemanticVersion.parse(f[0]);
            if (commit != null && version.isPresent()) {
                releases.add(new GitRelease(f[0], commit, version.get()));
            }
        }
        Collections.sort(releases);
        return List.copyOf(releases);
    }

    /**
     * The compensation of every git step type, by type id, for rebuilding compensations from a
     * journal in another process. Each reads only the values its step recorded.
     */
    public static Map<String, Compensation> compensations() {
        return COMPENSATIONS;
    }

    /** A forward action failed: put back what it changed (idempotent), keeping both failures. */
    static void restoreAfterFailure(StepContext ctx, Compensation undo, Exception failure) {
        try {
            undo.compensate(ctx);
        } catch (Exception undoFailure) {
            failure.addSuppressed(undoFailure);
        }
    }
}
