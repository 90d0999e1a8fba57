package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that capture before they act and are undone from what they captured, on real processes. */
class CapturingCommandTest {
    @TempDir
    Path tmp;
    @TempDir
    Path state;

    private Runner runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal"))).build();
    }

    private static Step failingHealth() {
        return Step.verification("health", ctx -> {
            throw new IllegalStateException("503");
        });
    }

    @Test
    void theUndoArgvIsBuiltFromTheCapturedValueAsOneArgumentWithoutAShell() throws IOException {
        String hostile = "my file; rm -rf $HOME *";
        Files.writeString(tmp.resolve("name.txt"), hostile + "\n");
        Plan plan = Plan.named("deploy")
                .step(Command.of("mkdir", "made").in(tmp)
                        .capture("name", Command.of("cat", "name.txt"))
                        .compensatedBy("touch", "--", "{name}")
                        .withName("make dir"))
                .verify(failingHealth())
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(tmp.resolve(hostile)).as("the undo got the value as one argument").isRegularFile();
        assertThat(r.step("make dir").recorded()).containsEntry("captured.name", hostile)
                .containsEntry("undo.argv", "[\"touch\",\"--\",\"" + hostile + "\"]");
    }

    @Test
    void aFreshRunnerRollsBackFromTheJournalAloneWithThePatternsMatch() throws IOException {
        Files.writeString(tmp.resolve("current"), "rev-a1b2 (head)\n");
        Plan plan = Plan.named("migrate")
                .step(Command.of("cp", "next", "current").in(tmp)
                        .capture("revision", Command.of("cat", "current"), Pattern.compile("^rev-(\\w+)"))
                        .compensatedBy("cp", "--", "previous-{revision}", "current")
                        .withName("upgrade"))
                .build();
        Files.writeString(tmp.resolve("next"), "rev-c3d4 (head)\n");
        Files.writeString(tmp.resolve("previous-a1b2"), "rev-a1b2 (head)\n");
        RunResult ran = runner().run(plan);
        assertThat(ran.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(tmp.resolve("current"))).startsWith("rev-c3d4");

        RunResult r = runner().rollback(ran.runId());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(tmp.resolve("current"))).isEqualTo("rev-a1b2 (head)\n");
    }

    @Test
    void aProbeWhoseOutputDoesNotMatchFailsTheStepBeforeTheCommandRuns() {
        Plan plan = Plan.named("deploy")
                .step(Command.of("touch", "acted").in(tmp)
                        .capture("revision", Command.of("echo", "no revision here"), Pattern.compile("^([0-9a-f]{12})"))
                        .compensatedBy("rm", "acted")
                        .withName("upgrade"))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failure().orElseThrow().getCause()).hasMessageContaining("does not match")
                .hasMessageContaining("the command did not run");
        assertThat(tmp.resolve("acted")).doesNotExist();
    }

    @Test
    void aCapturedValueHoldingASecretFailsTheStepAndNeverReachesTheJournal() throws IOException {
        String secret = "pw-7c1e55aa";
        Plan plan = Plan.named("deploy")
                .step(Command.of("touch", "acted").in(tmp).env("DB_PASSWORD", Secret.of(secret))
                        .capture("dsn", Command.of("printenv", "DB_PASSWORD"))
                        .compensatedBy("rm", "acted")
                        .withName("upgrade"))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failure().orElseThrow().getCause()).hasMessageContaining("contains a secret")
                .hasMessageNotContaining(secret);
        assertThat(tmp.resolve("acted")).doesNotExist();
        try (var files = Files.walk(state.resolve("journal"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    assertThat(Files.readString(p)).doesNotContain(secret);
                }
            }
        }
    }

    @Test
    void theProbeRunsInTheCommandsDirectoryAndARetryKeepsTheFirstCapture() throws IOException {
        Files.writeString(tmp.resolve("v"), "one");
        int[] attempts = {0};
        Step flaky = Command.of("cp", "v", "v.bak").in(tmp)
                .capture("before", Command.of("cat", "v"))
                .compensatedBy("cp", "--", "v.bak", "{before}.restored")
                .withName("copy");
        Step wrapped = new Step() {
            public String name() {
                return flaky.name();
            }

            public void execute(StepContext ctx) throws Exception {
                flaky.execute(ctx);
                if (++attempts[0] == 1) {
                    Files.writeString(tmp.resolve("v"), "two"); // a partial change seen by the retry's probe
                    throw new IllegalStateException("flaky");
                }
            }

            public Compensation compensation() {
                return flaky.compensation();
            }

            public String describe() {
                return flaky.describe();
            }

            public String type() {
                return flaky.type();
            }
        }.withRetry(RetryPolicy.attempts(2));
        Plan plan = Plan.named("p").step(wrapped).verify(failingHealth()).build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.step("copy").recorded()).containsEntry("captured.before", "one");
        assertThat(tmp.resolve("one.restored")).isRegularFile();
        assertThat(tmp.resolve("two.restored")).doesNotExist();
    }

    @Test
    void badPlaceholdersAndKeysAreRefusedWhenTheStepIsBuilt() {
        Command c = Command.of("alembic", "upgrade", "head");
        assertThatThrownBy(() -> c.capture("revision", Command.of("alembic", "current"))
                .compensatedBy("alembic", "downgrade", "{revison}"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("{revison}")
                .hasMessageContaining("[revision]");
        assertThatThrownBy(() -> c.capture("tool", Command.of("which", "alembic")).compensatedBy("{tool}", "x"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("program name");
        assertThatThrownBy(() -> c.capture("a b", Command.of("true"))).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> c.capture("k", null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> c.capture("k", Command.of("true")).capture("k", Command.of("true")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("captured twice");
    }

    @Test
    void itIsACommandStepTypeAndDescribesWhatItCaptures() {
        CapturingCommand c = Command.of("alembic", "upgrade", "head").in(tmp)
                .capture("revision", Command.of("alembic", "current"))
                .compensatedBy("alembic", "downgrade", "{revision}");

        assertThat(c.type()).isEqualTo(Command.TYPE);
        assertThat(c.keys()).containsExactly("revision");
        assertThat(c.describe()).contains("alembic upgrade head", "undo: alembic downgrade '{revision}'",
                "revision <- alembic current");
    }
}
