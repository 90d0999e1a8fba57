package dev.backstep.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backstep.BackstepException;
import dev.backstep.PlanDefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every definition mistake the Compose factories and builders can be given, from one table: each
 * is a {@link PlanDefinitionException} (not a {@link DockerException}), naming the step when there
 * is one and the offending value, thrown before the project directory changed.
 */
class ComposeDefinitionErrorsTest {
    @TempDir
    static Path project;

    record Mistake(String what, Runnable call, String step, String message) {
    }

    static List<Mistake> mistakes(Compose shop) {
        String healthy = shop.healthy("web").name();
        return List.of(
                new Mistake("a null project directory", () -> Compose.project(null), null,
                        "the compose project directory is null"),
                new Mistake("no service to stop", () -> shop.stop(), null, "name at least one service, was []"),
                new Mistake("a service named twice", () -> shop.up("web", "web"), null,
                        "service web is named twice in [web, web]"),
                new Mistake("a service that is an option", () -> shop.restart("-f"), null,
                        "'-f' is not a valid service name (letters, digits, '_', '.', '-', not starting with '_', '.'"
                                + " or '-')"),
                new Mistake("exec without a command", () -> shop.exec("web"), null,
                        "exec in service web needs a command, without null arguments, was []"),
                new Mistake("exec with a null argument", () -> shop.exec("web", "ls", null), null,
                        "exec in service web needs a command, without null arguments, was [ls, null]"),
                new Mistake("exec with a NUL character", () -> shop.exec("web", "ls", "a\0b"), null,
                        "an exec argument in service web holds a NUL character (argument #2)"),
                new Mistake("a blank compose file", () -> shop.file(" "), null,
                        "the compose file of compose project " + project + " is blank, was ' '"),
                new Mistake("an env file with a line break", () -> shop.envFile("a\nb"), null,
                        "the env file is blank or holds a newline, was 'a\\nb'"),
                new Mistake("a null compose CLI", () -> shop.cli(null), null,
                        "the compose CLI of compose project " + project + " is null"),
                new Mistake("an empty wrapper", () -> ComposeCli.v1().via(), null,
                        "via() needs the wrapper program, was []"),
                new Mistake("a blank docker executable", () -> ComposeCli.v2().docker(" "), null,
                        "the docker executable is blank or holds a newline, was ' '"),
                new Mistake("zero consecutive health passes", () -> shop.healthy("web").consecutive(0), healthy,
                        "step '" + healthy + "': consecutive(0) must be at least 1"),
                new Mistake("a zero health deadline", () -> shop.healthy("web").within(Duration.ZERO), healthy,
                        "step '" + healthy + "': within must be a positive duration, was PT0S"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingTheValue() throws IOException {
        Files.writeString(project.resolve("docker-compose.yml"), "services:\n  web:\n    image: shop:1\n");
        Compose shop = Compose.project(project);
        return mistakes(shop).stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> {
            Map<String, String> before = tree(project);
            Throwable t = catchThrowable(m.call()::run);
            assertThat(t).isInstanceOf(BackstepException.class).isInstanceOf(PlanDefinitionException.class)
                    .isNotInstanceOf(DockerException.class).hasMessage(m.message());
            PlanDefinitionException e = (PlanDefinitionException) t;
            assertThat(e.stepName()).isEqualTo(Optional.ofNullable(m.step()));
            assertThat(e.planName()).isNull();
            assertThat(tree(project)).as("the project directory is unchanged").isEqualTo(before);
        }));
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
