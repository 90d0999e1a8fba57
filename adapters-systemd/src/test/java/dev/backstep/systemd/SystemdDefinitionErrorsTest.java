package dev.backstep.systemd;

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
 * Every definition mistake the systemd factories and builders can be given, from one table: each
 * is a {@link PlanDefinitionException} (not a {@link SystemdException}), naming the step when there
 * is one and the offending value, thrown before the unit directory changed.
 */
class SystemdDefinitionErrorsTest {
    @TempDir
    static Path units;

    record Mistake(String what, Runnable call, String step, String message) {
    }

    static List<Mistake> mistakes() {
        String stop = Systemd.stop("bot").name();
        String install = Systemd.installUnit("bot.service", "[Service]\n").name();
        String healthy = Systemd.healthy("bot").name();
        return List.of(
                new Mistake("no unit", () -> Systemd.stop(), null, "name at least one unit, was []"),
                new Mistake("a null unit list", () -> Systemd.start((String[]) null), null,
                        "name at least one unit, was null"),
                new Mistake("a null unit", () -> Systemd.restart((String) null), null, "the unit name is null"),
                new Mistake("a unit that is a path", () -> Systemd.restart("../etc/passwd"), null,
                        "'../etc/passwd.service' is not a valid unit name (letters, digits, ':', '_', '.', '@', '-',"
                                + " '\\', not starting with '-' or '.', ending in a unit type such as .service)"),
                new Mistake("a unit named twice", () -> Systemd.stop("bot", "bot.service"), null,
                        "unit bot.service is named twice in [bot, bot.service]"),
                new Mistake("a null systemctl", () -> Systemd.stop("bot").using(null), stop,
                        "step '" + stop + "': systemctl is null"),
                new Mistake("a relative unit directory", () -> Systemd.installUnit("bot.service", "[Service]\n")
                        .in(Path.of("relative")), install,
                        "step '" + install + "': the unit directory must be an absolute path, was relative"),
                new Mistake("null unit content", () -> Systemd.installUnit("bot.service", null), null,
                        "bot.service: the unit file content is null"),
                new Mistake("zero consecutive health passes", () -> Systemd.healthy("bot").consecutive(0), healthy,
                        "step '" + healthy + "': consecutive(0) must be at least 1"),
                new Mistake("a negative health deadline", () -> Systemd.healthy("bot").within(Duration.ofSeconds(-5)),
                        healthy, "step '" + healthy + "': within must be a positive duration, was PT-5S"),
                new Mistake("a machine name with a space", () -> Systemctl.system().machine("bad name"), null,
                        "machine name 'bad name' is not a valid machine name (letters, digits, '.', '_', '@', '-')"),
                new Mistake("an empty wrapper", () -> Systemctl.system().via(), null,
                        "via() needs the wrapper program, was []"),
                new Mistake("a wrapper argument with a line break", () -> Systemctl.system().via("sudo", "-n\n"), null,
                        "the wrapper argument is blank or holds a newline, was '-n\\n'"),
                new Mistake("a null command runner", () -> Systemctl.system().manager(null), null,
                        "the command runner is null"),
                new Mistake("a null systemctl for the logs", () -> Systemd.logs("bot", null), null,
                        "the systemctl to read the logs of bot with is null"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingTheValue() throws IOException {
        Files.writeString(units.resolve("bot.service"), "[Service]\nExecStart=/bin/true\n");
        return mistakes().stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> {
            Map<String, String> before = tree(units);
            Throwable t = catchThrowable(m.call()::run);
            assertThat(t).isInstanceOf(BackstepException.class).isInstanceOf(PlanDefinitionException.class)
                    .isNotInstanceOf(SystemdException.class).hasMessage(m.message());
            PlanDefinitionException e = (PlanDefinitionException) t;
            assertThat(e.stepName()).isEqualTo(Optional.ofNullable(m.step()));
            assertThat(e.planName()).isNull();
            assertThat(tree(units)).as("the unit directory is unchanged").isEqualTo(before);
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
