package dev.backstep.git;

import static dev.backstep.testkit.DefinitionMistakes.Mistake.exact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.testkit.DefinitionMistakes;
import dev.backstep.testkit.DefinitionMistakes.Mistake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every definition mistake the git factories and builders can be given, from one table: each is a
 * {@link PlanDefinitionException} (not a {@link GitException}) naming the step when there is one
 * and the offending value, never showing a credential, thrown before the repository changed.
 */
class GitDefinitionErrorsTest {
    static final String TOKEN = "ghp_s3cr3tT0ken";

    @TempDir
    static Path tmp;

    static List<Mistake> mistakes(Path repo) {
        Secret token = Secret.of(TOKEN);
        return List.of(
                exact("a null repository", () -> Git.checkout(null, "v1"), null, "the repository path is null"),
                exact("a blank ref", () -> Git.checkout(repo, " "), null,
                        "the ref to check out is null or blank, was ' '"),
                exact("a ref git would read as an option", () -> Git.resetHard(repo, "--hard"), null,
                        "the ref to reset to '--hard' starts with '-', which git would read as an option"),
                exact("a branch with a line break", () -> Git.pull(repo, "origin", "main\n--upload-pack=x"),
                        null, "the branch 'main\n--upload-pack=x' contains whitespace or a control character"),
                exact("a null remote", () -> Git.fetch(repo, null), null, "the remote is null or blank, was null"),
                exact("a remote URL with a token", () -> Git.fetch(repo, "https://ci:" + TOKEN
                        + "@git.example.com/shop.git"), null, "the remote 'https://ci:****@git.example.com/shop.git'"
                        + " is a URL with credentials: add it as a named remote without them (git remote add origin"
                        + " https://host/repo.git) and pass the credentials with credentials(user, Secret), which git"
                        + " gets through GIT_ASKPASS, never argv"),
                exact("a token without user", () -> Git.fetch(repo, "origin").credentials("", token), null,
                        "git credentials need a user name and a password, the user name was ''"),
                exact("a user without token", () -> Git.pull(repo, "origin", "main").credentials("ci", null),
                        null, "git credentials need a user name and a password, the user name was 'ci' and the"
                        + " password null"),
                exact("a user name with a control character",
                        () -> Git.fetch(repo, "origin").credentials("ci\u0007", token), null,
                        "the git user name contains a control character"),
                exact("a blank tag message", () -> Git.tag(repo, "v1").annotated(" "), "git tag v1",
                        "step 'git tag v1': the message of annotated tag 'v1' is null or blank, was ' '"),
                exact("a ref to tag that starts with '-'", () -> Git.tag(repo, "v1").at("-x"), null,
                        "the ref to tag '-x' starts with '-', which git would read as an option"),
                exact("a null git executable", () -> Git.checkout(repo, "v1").using(null), null,
                        "the git executable path is null or blank, was null"),
                exact("a null command runner for releases", () -> Git.releases(repo, null), null,
                        "the command runner is null"),
                exact("a null repository for releases", () -> Git.releases(null), null,
                        "the repository path is null"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingTheValue() throws Exception {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("app.txt"), "v1\n");
        git(repo, "add", "app.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1");
        DefinitionMistakes check = DefinitionMistakes.leaving(tmp).neverShowing(TOKEN).notA(GitException.class);
        return mistakes(repo).stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> check.refuses(m)));
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("git %s ended", argv).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
