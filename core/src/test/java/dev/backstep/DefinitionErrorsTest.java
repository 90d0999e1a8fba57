package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.check.Check;
import dev.backstep.event.RunListener;
import dev.backstep.event.WebhookListener;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.testkit.DefinitionMistakes;
import dev.backstep.testkit.DefinitionMistakes.Mistake;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every definition mistake core can be given, driven from one table: each is a
 * {@link PlanDefinitionException} (rooted at {@link BackstepException}) whose message names the
 * plan and step when known and the offending value, never shows a secret, and is thrown before
 * anything on disk changed.
 */
class DefinitionErrorsTest {
    static final String SECRET = "hunter2-s3cr3t";

    @TempDir
    static Path dir;

    static Mistake exact(String what, Runnable call, String plan, String step, String message) {
        return Mistake.exact(what, call, step, message).inPlan(plan);
    }

    static Mistake has(String what, Runnable call, String plan, String step, String... fragments) {
        return Mistake.containing(what, call, step, fragments).inPlan(plan);
    }

    static Step step(String name) {
        return Step.named(name).action(ctx -> { }).compensation(ctx -> { }).build();
    }

    static List<Mistake> mistakes() {
        Path env = dir.resolve("app/.env");
        Path base = dir.resolve("srv");
        Step migrate = Step.named("migrate").action(ctx -> { }).build();
        Secret secret = Secret.of(SECRET);
        String log = Check.log(env).name();
        String edit = ConfigFile.edit(env).name();
        String replace = ConfigFile.replace(env, "A=1").name();
        return List.of(
                exact("a plan without steps", () -> Plan.named("deploy").build(), "deploy", null,
                        "plan 'deploy': it has no steps"),
                has("a step name used twice", () -> Plan.named("deploy").step(step("a")).step(step("a")).build(),
                        "deploy", null, "plan 'deploy': ", "the step name 'a' is used twice"),
                exact("a negative step timeout", () -> Step.named("migrate").action(ctx -> { })
                        .timeout(Duration.ofSeconds(-1)), null, "migrate",
                        "step 'migrate': timeout must be positive, was PT-1S"),
                exact("a negative timeout on a built step", () -> migrate.withTimeout(Duration.ofSeconds(-1)),
                        null, "migrate", "step 'migrate': timeout must be positive, was PT-1S"),
                exact("a null retry policy", () -> Step.named("migrate").retry(null), null, "migrate",
                        "step 'migrate': the retry policy is null"),
                exact("a null compensation timeout on a built step",
                        () -> migrate.withCompensationTimeout(null), null, "migrate",
                        "step 'migrate': the compensation timeout is null"),
                exact("a blank step type", () -> Step.named("migrate").type(" "), null, "migrate",
                        "step 'migrate': type ' ' cannot identify a step type (blank or reserved)"),
                exact("a blank step name", () -> Step.named(" ").action(ctx -> { }).build(), null, null,
                        "a step needs a non-blank name, was ' '"),
                exact("a step without action", () -> Step.named("migrate").build(), null, "migrate",
                        "step 'migrate': it has no action"),
                exact("a null action", () -> Step.named("migrate").action(null), null, "migrate",
                        "step 'migrate': the action is null"),
                exact("a null new name", () -> step("a").withName(null), null, "a", "step 'a': the new name is null"),
                exact("zero retry attempts", () -> RetryPolicy.attempts(0), null, null,
                        "maxAttempts must be at least 1, was 0"),
                exact("a shrinking backoff", () -> RetryPolicy.custom().backoff(Duration.ofMillis(10), 0.5).build(),
                        null, null, "multiplier must be at least 1.0, was 0.5"),
                exact("an irreversible step without reason", () -> Compensation.none(" "), null, null,
                        "Compensation.none needs a reason, was ' '"),
                exact("a zero command timeout", () -> Command.of("php", "artisan", "migrate").withName("migrate")
                        .timeout(Duration.ZERO), null, "migrate", "step 'migrate': timeout must be positive, was PT0S"),
                exact("a null secret", () -> Command.of("php").withName("migrate").env("DB_PASSWORD", (Secret) null),
                        null, "migrate", "step 'migrate': secret DB_PASSWORD is null"),
                exact("a blank step name after a secret", () -> Command.of("php").env("DB_PASSWORD", secret)
                        .withName(" "), null, "php", "step 'php': the step name must not be blank, was ' '"),
                exact("an environment name with '='", () -> Command.of("php").env("A=B", secret), null, "php",
                        "step 'php': invalid environment variable name 'A=B' (it must be non-empty and contain"
                                + " neither '=' nor NUL)"),
                exact("a null argument", () -> Command.of("php", null), null, null,
                        "argument 1 of command [php, null] is null"),
                exact("a capture key with a space", () -> Command.of("alembic", "upgrade", "head").withName("migrate")
                        .capture("a b", Command.of("alembic", "current")), null, "migrate",
                        "step 'migrate': capture key 'a b' must be 1..64 letters, digits, '_', '.' or '-'"),
                has("a placeholder nobody captures", () -> Command.of("alembic", "upgrade", "head").withName("migrate")
                        .capture("rev", Command.of("alembic", "current")).compensatedBy("alembic", "downgrade",
                                "{revision}"), null, "migrate", "step 'migrate': the compensation uses {revision}"),
                exact("a zero check timeout behind a password in the URI",
                        () -> Check.http(URI.create("http://ops:" + SECRET + "@localhost:8080/health"))
                                .timeout(Duration.ZERO), null, "GET http://****@localhost:8080/health",
                        "step 'GET http://****@localhost:8080/health': timeout must be a positive duration,"
                                + " was PT0S"),
                exact("zero consecutive passes", () -> Check.tcp("localhost", 5432).consecutive(0), null,
                        "TCP localhost:5432", "step 'TCP localhost:5432': consecutive(0) must be at least 1"),
                has("an invalid regular expression", () -> Check.log(env).noneMatch("ERROR("), null, log,
                        "invalid regular expression /ERROR(/"),
                has("a TCP port out of range", () -> Check.tcp("localhost", 70000), null, null,
                        "check TCP localhost:70000", "70000"),
                exact("a negative lock wait", () -> Backstep.runner().lockWait(Duration.ofSeconds(-1)), null, null,
                        "the lock wait must not be negative, was PT-1S"),
                exact("a reserved step type", () -> Backstep.runner().compensation("custom", ctx -> { }), null, null,
                        "step type 'custom' cannot be registered"),
                exact("a null journal", () -> Backstep.runner().journal(null), null, null, "the journal is null"),
                exact("a null replacement content", () -> ConfigFile.replace(env, (String) null), null, null,
                        "the content is null"),
                has("an invalid .env key", () -> ConfigFile.edit(env).set("bad key", "1"), null, edit,
                        "invalid key 'bad key'"),
                has("a secret .env value with a line break", () -> ConfigFile.edit(env)
                        .set("DB_PASSWORD", Secret.of(SECRET + "\nX=1")), null, edit,
                        "the value of DB_PASSWORD contains a line break"),
                has("a mode that is not octal", () -> ConfigFile.replace(env, "A=1").mode("0999"), null, replace,
                        "mode '0999' is not an octal file mode such as 0640"),
                exact("keeping no release", () -> Release.in(base).keep(0), null, "keep 0 releases",
                        "step 'keep 0 releases': keep(n) needs n >= 1, was 0"),
                has("a release named like a kept failed copy", () -> Release.in(base).deploy("1.0.failed-x",
                        dir.resolve("public")), null, "deploy 1.0.failed-x", "invalid release version '1.0.failed-x'"),
                exact("a relative evidence file", () -> Evidence.file(Path.of("logs/app.log")), null, null,
                        "evidence file must be an absolute path, got logs/app.log"),
                exact("a web hook over ftp", () -> RunListener.webhook(URI.create("ftp://hooks.example/x")), null,
                        null, "web hook URI must be http or https, got scheme 'ftp'"),
                exact("zero web hook attempts", () -> WebhookListener.to(URI.create("https://hooks.example/x"))
                        .attempts(0), null, null, "web hook attempts must be at least 1, got 0"),
                exact("a blank runner host", () -> Backstep.runner().host(" "), null, null,
                        "runner host name must be 1 to 255 characters without control characters, was ' '"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingPlanStepAndValue() throws IOException {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/.env"), "A=1\n");
        Files.setPosixFilePermissions(dir.resolve("app/.env"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(dir.resolve("srv/releases/1.0.0"));
        Files.createDirectories(dir.resolve("public"));
        DefinitionMistakes check = DefinitionMistakes.leaving(dir).neverShowing(SECRET);
        return mistakes().stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> check.refuses(m)));
    }

    @TestFactory
    Stream<DynamicTest> theMessageNamesWhatIsKnownAndNothingElse() {
        return Stream.of(
                new Object[] {new PlanDefinitionException("deploy", "migrate", "x"), "plan 'deploy', step 'migrate': x"},
                new Object[] {new PlanDefinitionException(null, "migrate", "x"), "step 'migrate': x"},
                new Object[] {new PlanDefinitionException("deploy", "x"), "plan 'deploy': x"},
                new Object[] {new PlanDefinitionException(null, null, "x"), "x"},
                new Object[] {new PlanDefinitionException(null, null, "x").inStep("migrate"), "step 'migrate': x"},
                new Object[] {new PlanDefinitionException(null, "a", "x").inStep("b"), "step 'a': x"})
                .map(c -> DynamicTest.dynamicTest((String) c[1], () -> {
                    PlanDefinitionException e = (PlanDefinitionException) c[0];
                    assertThat(e).hasMessage((String) c[1]);
                    assertThat(e.problem()).isEqualTo("x");
                }));
    }
}
