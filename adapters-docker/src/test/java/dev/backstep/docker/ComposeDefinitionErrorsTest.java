package dev.backstep.docker;

import static dev.backstep.testkit.DefinitionMistakes.Mistake.exact;

import dev.backstep.PlanDefinitionException;
import dev.backstep.testkit.DefinitionMistakes;
import dev.backstep.testkit.DefinitionMistakes.Mistake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    static List<Mistake> mistakes(Compose shop) {
        String healthy = shop.healthy("web").name();
        return List.of(
                exact("a null project directory", () -> Compose.project(null), null,
                        "the compose project directory is null"),
                exact("no service to stop", () -> shop.stop(), null, "name at least one service, was []"),
                exact("a service named twice", () -> shop.up("web", "web"), null,
                        "service web is named twice in [web, web]"),
                exact("a service that is an option", () -> shop.restart("-f"), null,
                        "'-f' is not a valid service name (letters, digits, '_', '.', '-', not starting with '_', '.'"
                                + " or '-')"),
                exact("exec without a command", () -> shop.exec("web"), null,
                        "exec in service web needs a command, without null arguments, was []"),
                exact("exec with a null argument", () -> shop.exec("web", "ls", null), null,
                        "exec in service web needs a command, without null arguments, was [ls, null]"),
                exact("exec with a NUL character", () -> shop.exec("web", "ls", "a\0b"), null,
                        "an exec argument in service web holds a NUL character (argument #2)"),
                exact("a blank compose file", () -> shop.file(" "), null,
                        "the compose file of compose project " + project + " is blank, was ' '"),
                exact("an env file with a line break", () -> shop.envFile("a\nb"), null,
                        "the env file is blank or holds a newline, was 'a\\nb'"),
                exact("a null compose CLI", () -> shop.cli(null), null,
                        "the compose CLI of compose project " + project + " is null"),
                exact("an empty wrapper", () -> ComposeCli.v1().via(), null,
                        "via() needs the wrapper program, was []"),
                exact("a blank docker executable", () -> ComposeCli.v2().docker(" "), null,
                        "the docker executable is blank or holds a newline, was ' '"),
                exact("zero consecutive health passes", () -> shop.healthy("web").consecutive(0), healthy,
                        "step '" + healthy + "': consecutive(0) must be at least 1"),
                exact("a zero health deadline", () -> shop.healthy("web").within(Duration.ZERO), healthy,
                        "step '" + healthy + "': within must be a positive duration, was PT0S"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingTheValue() throws IOException {
        Files.writeString(project.resolve("docker-compose.yml"), "services:\n  web:\n    image: shop:1\n");
        Compose shop = Compose.project(project);
        DefinitionMistakes check = DefinitionMistakes.leaving(project).notA(DockerException.class);
        return mistakes(shop).stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> check.refuses(m)));
    }
}
