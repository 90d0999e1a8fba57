package dev.backstep.examples.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Runner;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the runbook tests share: git run as the runbook's author, the journal as text (to show no
 * secret reached it), what a dry run must leave, a test resource directory, and a class run in
 * another JVM on this classpath (the later process that rolls back from the journal alone).
 */
final class RunbookTests {
    private static final CommandRunner COMMANDS = CommandRunner.local();

    private RunbookTests() {
    }

    /** {@code git args} in {@code in} as "Runbook {@code runbook}" (e.g. {@code 000}), no system config; its stdout. */
    static String git(String runbook, Path in, String... args) {
        String name = "Runbook " + runbook;
        String email = "runbook" + runbook + "@backstep.dev";
        return COMMANDS.run(CommandSpec.of("git").args(args).in(in)
                .env("GIT_AUTHOR_NAME", name).env("GIT_AUTHOR_EMAIL", email)
                .env("GIT_COMMITTER_NAME", name).env("GIT_COMMITTER_EMAIL", email)
                .env("GIT_CONFIG_NOSYSTEM", "1")).stdout();
    }

    /** Every byte of every file under the journal directory {@code journal}, as UTF-8 text. */
    static String journalText(Path journal) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.walk(journal)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    /** What a dry run leaves: the state {@code now} as {@code before}, no backup directory, no run of {@code target}. */
    static void assertChangedNothing(Object before, Object now, Path backups, Runner runner, String target) {
        assertThat(now).isEqualTo(before);
        assertThat(backups).doesNotExist();
        assertThat(runner.history(target)).isEmpty();
    }

    /** The test resource {@code name} (a directory or file on the test classpath). */
    static Path resource(String name) {
        try {
            return Path.of(RunbookTests.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code main} with {@code args} in another JVM on this classpath, {@code env} added to its
     * environment, stdin empty, stdout and stderr into {@code log}; waits at most {@code timeout}
     * (then kills it and fails with the log) and returns its exit code and what it wrote.
     */
    static Exit runJava(Path log, Duration timeout, Map<String, String> env, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(main.getSimpleName() + " " + argv.subList(4, argv.size())
                        + " did not end within " + timeout + ":\n" + Files.readString(log));
            }
        } finally {
            p.destroyForcibly();
        }
        return new Exit(p.exitValue(), Files.readString(log));
    }

    /** How another JVM ended: its exit code and everything it wrote. */
    record Exit(int code, String out) {
    }
}
