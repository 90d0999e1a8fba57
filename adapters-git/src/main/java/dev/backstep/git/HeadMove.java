package dev.backstep.git;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.git.internal.GitCli;
import dev.backstep.git.internal.GitCompensations;
import dev.backstep.git.internal.GitFingerprints;
import dev.backstep.git.internal.HeadState;
import dev.backstep.git.internal.Keys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step that moves HEAD to the commit a ref names ({@link GitCheckout}, {@link GitReset}): records
 * HEAD, branch and work tree state first, refuses a dirty work tree unless stashing, updates
 * submodules after, and is undone by restoring the recorded HEAD.
 */
abstract sealed class HeadMove<S extends HeadMove<S>> extends GitStepBase<S> permits GitCheckout, GitReset {
    final String ref;
    final boolean stash;
    private final String command;

    /** {@code verb} is the git command line before the ref ({@code git checkout}), the name unless renamed. */
    HeadMove(String name, String type, String verb, Path repo, String ref, boolean stash, String git) {
        super(name, type, repo, git);
        this.command = verb + " " + ref;
        this.ref = ref;
        this.stash = stash;
    }

    /** This step under another name, stashing or not, with another git executable; the ref kept. */
    abstract S copy(String newName, boolean newStash, String newGit);

    @Override
    final S copy(String newName, String newGit) {
        return copy(newName, stash, newGit);
    }

    /**
     * Stashes uncommitted changes and untracked files before moving HEAD (under a unique message,
     * recorded) and restores them on undo, instead of refusing a dirty work tree.
     */
    public S stashChanges() {
        return copy(name(), true, git);
    }

    /** Where HEAD goes and the git arguments that move it there. */
    record Move(String target, boolean detaches, String... args) {
    }

    /** Resolves the ref (read-only) to the commit HEAD moves to and the command that moves it. */
    abstract Move resolve(GitCli cli);

    /** The repository opened and the move resolved. */
    record Opened(GitCli cli, Move move) {
    }

    /** Opens the repository and resolves the move; a step may do both in fewer git processes. */
    Opened open(StepContext ctx) {
        GitCli cli = cli(ctx);
        return new Opened(cli, resolve(cli));
    }

    /** What happens to the branch, for the preview. */
    abstract String headChange(Optional<String> branch, Move move);

    /** "checked out", for the log line "repo: checked out ref (sha)". */
    abstract String done();

    /** What the summary says after the commits, e.g. the ref. */
    abstract String summaryNote();

    /** The ref as given. */
    public String ref() {
        return ref;
    }

    /**
     * HEAD, branch, work tree status (hashed, and the changed paths) and stash of the repository, read-only.
     */
    public List<Fingerprint> fingerprint(StepContext ctx) {
        return List.of(GitFingerprints.head(cli(ctx)));
    }

    /** Restores the recorded HEAD, branch and stashed changes. */
    public Compensation compensation() {
        return GitCompensations.RESTORE_HEAD;
    }

    /** The command, the repository and whether local changes are stashed. */
    public String describe() {
        return command + " in " + repo + (stash ? ", stashing local changes" : "");
    }

    @Override
    void check(GitCli cli) {
        cli.head();
        cli.requireCommit(ref);
        if (!stash) {
            requireClean(cli);
        }
    }

    /** HEAD before and after, what happens to the branch, stash and submodules; read-only. */
    public String preview(StepContext ctx) {
        GitCli cli = cli(ctx);
        String head = cli.head();
        Optional<String> branch = cli.branch();
        Move move = resolve(cli);
        int changed = cli.changedFiles(true).size();
        return command + " in " + cli.repo() + ": "
                + Args.summary(head, cli.subject(head), move.target(), cli.subject(move.target()))
                + ", " + headChange(branch, move)
                + (changed > 0 && stash ? "; stashes " + changed + " local change(s), restored on undo" : "")
                + (cli.hasSubmodules() ? "; updates submodules" : "");
    }

    /** Records where HEAD is, stashes if asked, moves HEAD, updates submodules. */
    public void execute(StepContext ctx) throws Exception {
        Opened opened = open(ctx);
        GitCli cli = opened.cli();
        Move move = opened.move();
        String target = move.target();
        List<String> changed = HeadState.captureAndRecord(ctx, cli, stash, Map.of(Keys.TARGET, target));
        try {
            HeadState.stashIfNeeded(ctx, cli, changed);
            cli.run(move.args());
            cli.updateSubmodulesIfAny();
        } catch (Exception e) {
            Git.restoreAfterFailure(ctx, compensation(), e);
            throw e;
        }
        ctx.logger().info("{}: {} {} ({})", cli.repo(), done(), ref, GitCli.shortSha(target));
        ctx.summary("HEAD " + ctx.recorded(Keys.HEAD).map(Args::shortSha).orElse("?") + " -> " + GitCli.shortSha(target)
                + " (" + summaryNote() + ")");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + ref + " in " + repo + (stash ? ", stash" : "") + "]";
    }
}
