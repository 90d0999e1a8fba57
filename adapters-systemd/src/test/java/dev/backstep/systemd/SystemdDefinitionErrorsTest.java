package dev.backstep.systemd;

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
 * Every definition mistake the systemd factories and builders can be given, from one table: each
 * is a {@link PlanDefinitionException} (not a {@link SystemdException}), naming the step when there
 * is one and the offending value, thrown before the unit directory changed.
 */
class SystemdDefinitionErrorsTest {
    @TempDir
    static Path units;

    static List<Mistake> mistakes() {
        String stop = Systemd.stop("bot").name();
        String install = Systemd.installUnit("bot.service", "[Service]\n").name();
        String healthy = Systemd.healthy("bot").name();
        return List.of(
                exact("no unit", () -> Systemd.stop(), null, "name at least one unit, was []"),
                exact("a null unit list", () -> Systemd.start((String[]) null), null,
                        "name at least one unit, was null"),
                exact("a null unit", () -> Systemd.restart((String) null), null, "the unit name is null"),
                exact("a unit that is a path", () -> Systemd.restart("../etc/passwd"), null,
                        "'../etc/passwd.service' is not a valid unit name (letters, digits, ':', '_', '.', '@', '-',"
                                + " '\\', not starting with '-' or '.', ending in a unit type such as .service)"),
                exact("a unit named twice", () -> Systemd.stop("bot", "bot.service"), null,
                        "unit bot.service is named twice in [bot, bot.service]"),
                exact("a null systemctl", () -> Systemd.stop("bot").using(null), stop,
                        "step '" + stop + "': systemctl is null"),
                exact("a relative unit directory", () -> Systemd.installUnit("bot.service", "[Service]\n")
                        .in(Path.of("relative")), install,
                        "step '" + install + "': the unit directory must be an absolute path, was relative"),
                exact("null unit content", () -> Systemd.installUnit("bot.service", null), null,
                        "bot.service: the unit file content is null"),
                exact("zero consecutive health passes", () -> Systemd.healthy("bot").consecutive(0), healthy,
                        "step '" + healthy + "': consecutive(0) must be at least 1"),
                exact("a negative health deadline", () -> Systemd.healthy("bot").within(Duration.ofSeconds(-5)),
                        healthy, "step '" + healthy + "': within must be a positive duration, was PT-5S"),
                exact("a machine name with a space", () -> Systemctl.system().machine("bad name"), null,
                        "machine name 'bad name' is not a valid machine name (letters, digits, '.', '_', '@', '-')"),
                exact("an empty wrapper", () -> Systemctl.system().via(), null,
                        "via() needs the wrapper program, was []"),
                exact("a wrapper argument with a line break", () -> Systemctl.system().via("sudo", "-n\n"), null,
                        "the wrapper argument is blank or holds a newline, was '-n\\n'"),
                exact("a null command runner", () -> Systemctl.system().manager(null), null,
                        "the command runner is null"),
                exact("a null systemctl for the logs", () -> Systemd.logs("bot", null), null,
                        "the systemctl to read the logs of bot with is null"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingTheValue() throws IOException {
        Files.writeString(units.resolve("bot.service"), "[Service]\nExecStart=/bin/true\n");
        DefinitionMistakes check = DefinitionMistakes.leaving(units).notA(SystemdException.class);
        return mistakes().stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> check.refuses(m)));
    }
}
