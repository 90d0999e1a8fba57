package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Real git repositories in a temporary directory, isolated from the machine's git configuration:
 * HOME and XDG_CONFIG_HOME point into the sandbox, the system configuration is ignored, and the
 * sandbox's own global configuration sets the identity (CI machines have none) and allows local
 * submodules.
 */
final class GitSandbox {
    private final Path root;
    private final Map<String, String> env;
    private final CommandRunner commands;
    private int repos;

    GitSandbox(Path root) {
        this.root = root;
        Path home = root.resolve("home");
        try {
            Files.createDirectories(home.resolve(".config"));
            Files.writeString(home.resolve(".gitconfig"), String.join("\n",
                    "[user]", "\tname = Backstep Test", "\temail = test@backstep.invalid",
                    "[init]", "\tdefaultBranch = main",
                    "[protocol \"file\"]", "\tallow = always",
                    "[advice]", "\tdetachedHead = false",
                    "[commit]", "\tgpgsign = false",
                    "[tag]", "\tgpgsign = false", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = Map.of(
                "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                "GIT_CONFIG_NOSYSTEM", "1",
                "GIT_CEILING_DIRECTORIES", root.toString(),
                "GIT_AUTHOR_NAME", "Backstep Test",
                "GIT_AUTHOR_EMAIL", "test@backstep.invalid",
                "GIT_COMMITTER_NAME", "Backstep Test",
                "GIT_COMMITTER_EMAIL", "test@backstep.invalid");
        CommandRunner base = CommandRunner.local();
        this.commands = spec -> base.run(spec.env(env));
    }

    /** The environment that isolates git from the machine's configuration. */
    Map<String, String> env() {
        return env;
    }

    /** The command runner the steps get: {@link CommandRunner#local()} with the isolated environment. */
    CommandRunner commands() {
        return commands;
    }

    Path root() {
        return root;
    }

    /** Runs git in {@code dir}, failing the test on a non-zero exit; returns stdout stripped. */
    String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(Arrays.asList(args));
        CommandResult r = commands.run(CommandSpec.of(argv).in(dir));
        return r.stdout().strip();
    }

    /** A new repository on branch main with one commit of {@code app.txt = "v1"}. */
    Path newRepo() {
        Path repo = root.resolve("repo" + (++repos));
        try {
            Files.createDirectories(repo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(repo, "init", "-q", "-b", "main");
        commit(repo, "app.txt", "v1", "first");
        return repo;
    }

    /** A bare repository. */
    Path newBare() {
        Path bare = root.resolve("origin" + (++repos) + ".git");
        git(root, "init", "-q", "--bare", "-b", "main", bare.toString());
        return bare;
    }

    Path cloneOf(Path origin) {
        Path clone = root.resolve("clone" + (++repos));
        git(root, "clone", "-q", origin.toString(), clone.toString());
        return clone;
    }

    /** Writes a file, commits it, returns the new commit. */
    String commit(Path repo, String file, String content, String message) {
        write(repo.resolve(file), content);
        git(repo, "add", file);
        git(repo, "commit", "-q", "-m", message);
        return head(repo);
    }

    String head(Path repo) {
        return git(repo, "rev-parse", "HEAD");
    }

    /** The branch HEAD is attached to, or "(detached)". */
    String branch(Path repo) {
        String b = git(repo, "rev-parse", "--abbrev-ref", "HEAD");
        return b.equals("HEAD") ? "(detached)" : b;
    }

    String status(Path repo) {
        return git(repo, "status", "--porcelain", "--untracked-files=all");
    }

    String stashList(Path repo) {
        return git(repo, "stash", "list");
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts HEAD, branch, clean work tree and the content of app.txt. */
    void assertAt(Path repo, String commit, String branch, String appContent) {
        assertThat(head(repo)).as("HEAD of %s", repo).isEqualTo(commit);
        assertThat(branch(repo)).as("branch of %s", repo).isEqualTo(branch);
        assertThat(read(repo.resolve("app.txt"))).as("app.txt").isEqualTo(appContent);
    }
}
