package dev.backstep.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child main class of these tests in a JVM of its own (this classpath), as a deploy process
 * that can be killed with SIGKILL at a crash point and a later process that recovers or rolls back.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    record Result(int exitCode, String output) {
    }

    /** Starts {@code main}; returns its CRASH-POINT line after SIGKILLing it there, or its FINISHED line. */
    static String runToCrashPoint(Class<?> main, String... args) throws Exception {
        Process p = start(main, args);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("CRASH-POINT")) {
                    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).isEqualTo(137);
                    return line;
                }
                if (line.startsWith("FINISHED")) {
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    return line;
                }
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("child ended without a CRASH-POINT or FINISHED line, exit " + p.exitValue());
    }

    /** Runs {@code main} to its end: its exit code and standard output. */
    static Result run(Class<?> main, String... args) throws Exception {
        Process p = start(main, args);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    private static Process start(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
