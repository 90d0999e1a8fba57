package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backstep.BackstepException;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

    record Mistake(String what, Runnable call, String step, String message) {
    }

    static List<Mistake> mistakes(Path repo) {
        Secret token = Secret.of(TOKEN);
        return List.of(
                new Mistake("a null repository", () -> Git.checkout(null, "v1"), null, "the repository path is null"),
                new Mistake("a blank ref", () -> Git.checkout(repo, " "), null,
                        "the ref to check out is null or blank, was ' '"),
                new Mistake("a ref git would read as an option", () -> Git.resetHard(repo, "--hard"), null,
                        "the ref to reset to '--hard' starts with '-', which git would read as an option"),
                new Mistake("a branch with a line break", () -> Git.pull(repo, "origin", "main\n--upload-pack=x"),
                        null, "the branch 'main\n--upload-pack=x' contains whitespace or a control character"),
                new Mistake("a null remote", () -> Git.fetch(repo, null), null, "the remote is null or blank, was null"),
                new Mistake("a remote URL with a token", () -> Git.fetch(repo, "https://ci:" + TOKEN
                        + "@git.example.com/shop.git"), null, "the remote 'https://ci:****@git.example.com/shop.git'"
                        + " is a URL with credentials: add it as a named remote without them (git remote add origin"
                        + " https://host/repo.git) and pass the credentials with credentials(user, Secret), which git"
                        + " gets through GIT_ASKPASS, never argv"),
                new Mistake("a token without user", () -> Git.fetch(repo, "origin").credentials("", token), null,
                        "git credentials need a user name and a password, the user name was ''"),
                new Mistake("a user without token", () -> Git.pull(repo, "origin", "main").credentials("ci", null),
                        null, "git credentials need a user name and a password, the user name was 'ci' and the"
                        + " password null"),
                new Mistake("a user name with a control character",
                        () -> Git.fetch(repo, "origin").credentials("ci\u0007", token), null,
                        "the git user name contains a control character"),
                new Mistake("a blank tag message", () -> Git.tag(repo, "v1").annotated(" "), "git tag v1",
                        "step 'git tag v1': the message of annotated tag 'v1' is null or blank, was ' '"),
                new Mistake("a ref to tag that starts with '-'", () -> Git.tag(repo, "v1").at("-x"), null,
                        "the ref to tag '-x' starts with '-', which git would read as an option"),
                new Mistake("a null git executable", () -> Git.checkout(repo, "v1").using(null), null,
                        "the git executable path is null or blank, was null"),
                new Mistake("a null command runner for releases", () -> Git.releases(repo, null), null,
                        "the command runner is null"),
                new Mistake("a null repository for releases", () -> Git.releases(null), null,
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
        return mistakes(repo).stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> {
            Map<String, String> before = tree(tmp);
            Throwable t = catchThrowable(m.call()::run);
            assertThat(t).isInstanceOf(BackstepException.class).isInstanceOf(PlanDefinitionException.class)
                    .isNotInstanceOf(GitException.class).hasMessage(m.message());
            PlanDefinitionException e = (PlanDefinitionException) t;
            assertThat(e.stepName()).isEqualTo(Optional.ofNullable(m.step()));
            assertThat(e.planName()).isNull();
            assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("plan ''");
            assertThat(tree(tmp)).as("nothing changed in the repository").isEqualTo(before);
        }));
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("git %s ended", argv).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                out.put(root.relativize(p).toString(), mode + (Files.isRegularFile(p)
                        ? " " + Arrays.hashCode(Files.readAllBytes(p)) + ":" + Files.size(p) : ""));
            }
        }
        return out;
    }
}
