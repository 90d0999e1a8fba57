package dev.backstep.git.internal;

import dev.backstep.CommandFailedException;
import dev.backstep.Defaults;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.git.GitException;
import dev.backstep.git.GitException.Reason;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs git in one repository through a {@link CommandRunner}: argv lists only, interactive
 * prompts off (credential helpers and ssh agents still work), failures mapped to
 * {@link GitException}.
 */
public final class GitCli {
    private final CommandRunner runner;
    private final String git;
    private final Path repo;
    private final Askpass.Credentials credentials;

    private GitCli(CommandRunner runner, String git, Path repo) {
        this(runner, git, repo, null);
    }

    private GitCli(CommandRunner runner, String git, Path repo, Askpass.Credentials credentials) {
        this.runner = runner;
        this.git = git;
        this.repo = repo;
        this.credentials = credentials;
    }

    /**
     * This git, answering HTTP credential prompts with {@code credentials} through
     * {@code GIT_ASKPASS} and the environment (never argv), with configured credential helpers
     * off so that none stores or is handed the password. Null: as configured.
     */
    public GitCli withCredentials(Askpass.Credentials credentials) {
        return credentials == null ? this : new GitCli(runner, git, repo, credentials);
    }

    /**
     * Opens the work tree that contains {@code path}.
     *
     * @throws GitException GIT_NOT_FOUND, NOT_A_REPOSITORY
     */
    public static GitCli open(CommandRunner runner, String git, Path path) {
        Path dir = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new GitException(Reason.NOT_A_REPOSITORY, dir, dir + " is not a directory, so not a git repository");
        }
        GitCli probe = new GitCli(runner, git, dir);
        CommandResult top = probe.exec(List.of("rev-parse", "--show-toplevel"), Set.of(0, 128));
        if (top.exitCode() != 0 || top.stdout().isBlank()) {
            throw new GitException(Reason.NOT_A_REPOSITORY, dir, dir + " is not inside a git work tree"
                    + tail(top.stderr()));
        }
        return new GitCli(runner, git, Path.of(top.stdout().strip()));
    }

    /**
     * A work tree at a top level recorded earlier ({@link #repo()} of an opened one), without
     * asking git: its first command fails if it is no longer one, and the caller then
     * {@link #open}s it for the precise error.
     */
    public static GitCli at(CommandRunner runner, String git, Path topLevel) {
        return new GitCli(runner, git, topLevel);
    }

    /** A work tree and what a ref names in it, learnt from one git process. */
    public record Opened(GitCli cli, Optional<String> commit) {
    }

    /**
     * Opens the work tree that contains {@code path} and resolves {@code ref} to a commit in the
     * same git process ({@link #open} then {@link #resolveCommit}, one program start instead of
     * two).
     *
     * @throws GitException GIT_NOT_FOUND, NOT_A_REPOSITORY
     */
    public static Opened openResolving(CommandRunner runner, String git, Path path, String ref) {
        Path dir = path.toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            CommandResult r = new GitCli(runner, git, dir).exec(List.of("rev-parse", "--show-toplevel", "--verify",
                    "--quiet", ref + "^{commit}"), Set.of(0, 1, 128));
            String[] lines = r.stdout().strip().split("\n");
            if (r.exitCode() != 128 && !lines[0].isBlank() && lines.length <= 2) {
                GitCli cli = new GitCli(runner, git, Path.of(lines[0].strip()));
                return new Opened(cli, r.exitCode() == 0 && lines.length == 2 && !lines[1].isBlank()
                        ? Optional.of(lines[1].strip()) : Optional.empty());
            }
        }
        GitCli cli = open(runner, git, path); // the precise error
        return new Opened(cli, cli.resolveCommit(ref));
    }

    /** The top level of the work tree. */
    public Path repo() {
        return repo;
    }

    public String git() {
        return git;
    }

    /** Runs git; a non-zero exit is a {@link GitException} with reason COMMAND_FAILED. */
    public String run(String... args) {
        return exec(List.of(args), Set.of(0)).stdout();
    }

    /** Runs git; a non-zero exit is a {@link GitException} with the given reason. */
    public String run(Reason onFailure, String what, String... args) {
        try {
            return run(args);
        } catch (GitException e) {
            if (e.reason() != Reason.COMMAND_FAILED) {
                throw e;
            }
            throw new GitException(onFailure, repo, what + " failed in " + repo + tail(stderrOf(e)), e);
        }
    }

    /** Runs git accepting the given exit codes; the caller looks at {@link CommandResult#exitCode()}. */
    public CommandResult exec(List<String> args, Set<Integer> okCodes) {
        return exec(args, okCodes, Defaults.COMMAND_OUTPUT_LIMIT);
    }

    /**
     * Runs git read-only for its whole output (up to {@code limit} bytes, else a
     * {@link GitException}), with optional locks off so that {@code git status} does not refresh
     * the index: nothing in the repository changes.
     */
    public String readAll(int limit, String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add("--no-optional-locks");
        argv.addAll(List.of(args));
        CommandResult r = exec(argv, Set.of(0), limit);
        if (r.truncated()) {
            throw new GitException(Reason.COMMAND_FAILED, repo, "git " + String.join(" ", args) + " printed more than "
                    + limit + " bytes in " + repo);
        }
        return r.stdout();
    }

    private CommandResult exec(List<String> args, Set<Integer> okCodes, int outputLimit) {
        List<String> argv = new ArrayList<>(args.size() + 3);
        argv.add(git);
        if (credentials != null) {
            argv.addAll(List.of("-c", "credential.helper="));
        }
        argv.addAll(args);
        CommandSpec spec = CommandSpec.of(argv).in(repo).env("GIT_TERMINAL_PROMPT", "0").successCodes(okCodes)
                .outputLimit(outputLimit);
        if (credentials != null) {
            spec = spec.env("GIT_ASKPASS", Askpass.script().toString()).env(Askpass.USER_VAR, credentials.username())
                    .env(Askpass.PASSWORD_VAR, credentials.password());
        }
        try {
            return runner.run(spec);
        } catch (ProgramNotFoundException e) {
            throw new GitException(Reason.GIT_NOT_FOUND, repo, "cannot run git ('" + git + "'): "
                    + e.getMessage() + " (install git, put it on the PATH, or name it with using(Path))", e);
        } catch (CommandFailedException e) {
            throw new GitException(Reason.COMMAND_FAILED, repo, "git " + String.join(" ", args) + " failed in "
                    + repo + " with exit code " + e.exitCode() + tail(e.stderrTail()), e);
        }
    }

    /** The commit a ref names, or empty when it names none. */
    public Optional<String> resolveCommit(String ref) {
        CommandResult r = exec(List.of("rev-parse", "--verify", "--quiet", ref + "^{commit}"), Set.of(0, 1, 128));
        String out = r.stdout().strip();
        return r.exitCode() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
    }

    /** The commit a ref names. @throws GitException UNKNOWN_REF */
    public String requireCommit(String ref) {
        return resolveCommit(ref).orElseThrow(() -> new GitException(Reason.UNKNOWN_REF, repo,
                "'" + ref + "' does not name a commit in " + repo));
    }

    /** The commit HEAD is at. @throws GitException NO_COMMITS */
    public String head() {
        return resolveCommit("HEAD").orElseThrow(this::noCommits);
    }

    /** The branch HEAD is attached to ({@code main}), or empty when HEAD is detached. */
    public Optional<String> branch() {
        CommandResult r = exec(List.of("symbolic-ref", "--quiet", "HEAD"), Set.of(0, 1));
        String out = r.stdout().strip();
        if (r.exitCode() != 0 || !out.startsWith("refs/heads/")) {
            return Optional.empty();
        }
        return Optional.of(out.substring("refs/heads/".length()));
    }

    public boolean localBranchExists(String name) {
        return exec(List.of("show-ref", "--verify", "--quiet", "refs/heads/" + name), Set.of(0, 1)).exitCode() == 0;
    }

    /** The value of a ref (not peeled), or empty when it does not exist. */
    public Optional<String> refValue(String fullRef) {
        CommandResult r = exec(List.of("rev-parse", "--verify", "--quiet", fullRef), Set.of(0, 1, 128));
        String out = r.stdout().strip();
        return r.exitCode() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
    }

    /**
     * Changed, staged, deleted and untracked paths (porcelain status, untracked files listed one
     * by one); submodules at another commit or with changes count unless {@code withSubmodules}
     * is false.
     */
    public List<String> changedFiles(boolean withSubmodules) {
        String out = withSubmodules
                ? run("status", "--porcelain", "--untracked-files=all")
                : run("status", "--porcelain", "--untracked-files=all", "--ignore-submodules=all");
        List<String> files = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.length() > 3) {
                files.add(line.substring(3));
            }
        }
        return files;
    }

    /**
     * HEAD's commit (empty while HEAD is unborn), its branch (empty when detached) and the changed
     * paths as {@link #changedFiles} lists them.
     */
    public record Status(Optional<String> head, Optional<String> branch, List<String> changed) {
    }

    /**
     * HEAD, its branch and the changed paths from one {@code git status} (porcelain v2 with its
     * branch header) instead of three programs; same options as {@link #changedFiles}.
     */
    public Status status(boolean withSubmodules) {
        List<String> args = new ArrayList<>(List.of("status", "--porcelain=v2", "--branch", "--no-ahead-behind",
                "--untracked-files=all"));
        if (!withSubmodules) {
            args.add("--ignore-submodules=all");
        }
        String out = run(args.toArray(String[]::new));
        Optional<String> head = Optional.empty();
        Optional<String> branch = Optional.empty();
        List<String> files = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("# branch.oid ")) {
                String oid = line.substring("# branch.oid ".length()).strip();
                head = oid.equals("(initial)") || oid.isEmpty() ? Optional.empty() : Optional.of(oid);
            } else if (line.startsWith("# branch.head ")) {
                String name = line.substring("# branch.head ".length()).strip();
                branch = name.equals("(detached)") || name.isEmpty() ? Optional.empty() : Optional.of(name);
            } else if (!line.startsWith("#") && line.length() > 2) {
                files.add(changedPath(line));
            }
        }
        return new Status(head, branch, List.copyOf(files));
    }

    /** The path of a porcelain v2 entry, a rename as {@code old -> new} as porcelain v1 shows it. */
    private static String changedPath(String line) {
        int fields = switch (line.charAt(0)) {
            case '1' -> 8;
            case '2' -> 9;
            case 'u' -> 10;
            default -> 1; // '?' untracked, '!' ignored
        };
        int p = 0;
        for (int i = 0; i < fields && p >= 0; i++) {
            p = line.indexOf(' ', p) + 1;
            if (p == 0) {
                return line;
            }
        }
        String path = line.substring(p);
        int tab = path.indexOf('\t');
        return tab >= 0 ? path.substring(tab + 1) + " -> " + path.substring(0, tab) : path;
    }

    /** HEAD's commit in {@code status}. @throws GitException NO_COMMITS */
    public String head(Status status) {
        return status.head().orElseThrow(this::noCommits);
    }

    private GitException noCommits() {
        return new GitException(Reason.NO_COMMITS, repo, repo + " has no commit yet: HEAD is unborn");
    }

    public String subject(String commit) {
        return run("log", "-1", "--format=%s", commit).strip();
    }

    public boolean hasSubmodules() {
        return Files.exists(repo.resolve(".gitmodules"));
    }

    /** Brings submodules to the commits the current HEAD records, when the repository has any. */
    public void updateSubmodulesIfAny() {
        if (hasSubmodules()) {
            run(Reason.COMMAND_FAILED, "git submodule update --init --recursive",
                    "submodule", "update", "--init", "--recursive");
        }
    }

    public List<String> remotes() {
        List<String> names = new ArrayList<>();
        for (String line : run("remote").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names;
    }

    /** Commit ids of the stash entries, newest ({@code stash@{0}}) first. */
    public List<String> stashCommits() {
        if (refValue("refs/stash").isEmpty()) {
            return List.of();
        }
        List<String> shas = new ArrayList<>();
        for (String line : run("stash", "list", "--format=%H").split("\n")) {
            if (!line.isBlank()) {
                shas.add(line.strip());
            }
        }
        return shas;
    }

    /** The stash entry whose message contains {@code marker}, newest first. */
    public Optional<String> findStash(String marker) {
        if (refValue("refs/stash").isEmpty()) {
            return Optional.empty();
        }
        for (String line : run("stash", "list", "--format=%H %s").split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.substring(sp + 1).contains(marker)) {
                return Optional.of(line.substring(0, sp));
            }
        }
        return Optional.empty();
    }

    /**
     * Stashes every change including untracked files under a message and returns the stash
     * commit.
     */
    public String stash(String message) {
        run(Reason.STASH_FAILED, "git stash push --include-untracked",
                "stash", "push", "--include-untracked", "-m", message);
        return findStash(message).orElseThrow(() -> new GitException(Reason.STASH_FAILED, repo,
                "git stash push reported success but no stash entry '" + message + "' exists in " + repo));
    }

    /** True when two stash commits hold the same work tree, index and untracked files. */
    public boolean sameStashContent(String a, String b) {
        for (String part : new String[] {"", "^2", "^3"}) {
            if (!refValue(a + part + "^{tree}").equals(refValue(b + part + "^{tree}"))) {
                return false;
            }
        }
        return true;
    }

    static String stderrOf(GitException e) {
        return e.getCause() instanceof CommandFailedException c ? c.stderrTail() : "";
    }

    static String tail(String stderr) {
        String s = stderr == null ? "" : stderr.strip();
        if (s.isEmpty()) {
            return "";
        }
        if (s.length() > 1000) {
            s = "..." + s.substring(s.length() - 1000);
        }
        return ": " + s;
    }

    public static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
