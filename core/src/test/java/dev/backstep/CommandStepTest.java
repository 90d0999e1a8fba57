package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.backstep.internal.JsonText;
import dev.backstep.testkit.StepHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Command} steps driven directly through a step context, on real processes. */
class CommandStepTest {
    private static final String SECRET = "pa55-w0rd-XYZ";

    @TempDir
    Path tmp;

    @Test
    void executeRunsTheProgramInItsDirectory() throws IOException {
        Command step = Command.of("sh", "-c", "pwd > where").in(tmp);

        step.execute(TestStepContext.forward(step, tmp));

        assertThat(Files.readString(tmp.resolve("where")).strip()).isEqualTo(tmp.toRealPath().toString());
    }

    @Test
    void compensationCommandIsRecordedBeforeTheProgramRuns() {
        Command step = Command.of("sh", "-c", "echo half-done > state; exit 4").in(tmp)
                .env("MODE", "fast")
                .timeout(Duration.ofSeconds(40))
                .compensatedBy("rm", "-f", "state");
        StepContext ctx = TestStepContext.forward(step, tmp);

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> step.execute(ctx));

        assertThat(e.exitCode()).isEqualTo(4);
        // recorded although the program failed: it was recorded before it started
        assertThat(ctx.recordedValues())
                .containsEntry("undo.argv", "[\"rm\",\"-f\",\"state\"]")
                .containsEntry("undo.dir", tmp.toAbsolutePath().toString())
                .containsEntry("undo.env", "{\"MODE\":\"fast\"}")
                .containsEntry("undo.secretEnv", "[]")
                .containsEntry("undo.timeout", "PT40S")
                .containsEntry("undo.successCodes", "0");
    }

    @Test
    void stepCompensationRunsTheCompensationCommand() throws Exception {
        Command step = Command.of("sh", "-c", "echo v2 > version").in(tmp)
                .compensatedBy("sh", "-c", "echo v1 > version");
        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);
        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("v2\n");

        step.compensation().compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));

        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("v1\n");
    }

    @Test
    void durableCompensationRunsFromRecordedValuesAloneWithTheRecordedEnvironment() throws Exception {
        Path work = Files.createDirectory(tmp.resolve("app"));
        Command step = Command.of("touch", "migrated").in(work)
                .env("TARGET", "undone by env")
                .compensatedBy("sh", "-c", "rm -f migrated; printf %s \"$TARGET\" > undone");
        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);
        assertThat(work.resolve("migrated")).exists();

        // another process: only the journal's values and the type's static compensation
        Compensation fromRegistry = Command.compensations().get(step.type());
        fromRegistry.compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));

        assertThat(work.resolve("migrated")).doesNotExist();
        assertThat(Files.readString(work.resolve("undone"))).isEqualTo("undone by env");
        assertThat(fromRegistry).isSameAs(Command.COMPENSATION);
        assertThat(step.type()).isEqualTo("command");
    }

    @Test
    void aRecordedArgvWithAMalformedUnicodeEscapeIsRefusedAndNothingRuns() throws Exception {
        Path work = Files.createDirectory(tmp.resolve("app"));
        Command step = Command.of("true").in(work).compensatedBy("touch", "undone");
        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);
        Map<String, String> edited = new java.util.HashMap<>(forward.recordedValues());
        // backslash-u followed by "+06f" is no JSON escape; the old reader took it for 'o' and ran "touch"
        edited.put("undo.argv", "[\"t\\u+06fuch\",\"undone\"]");

        assertThatThrownBy(() -> Command.COMPENSATION.compensate(TestStepContext.compensating(step, edited, tmp)))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("recorded value 'undo.argv' is corrupt")
                .hasMessageContaining("invalid JSON at position");
        assertThat(work.resolve("undone")).doesNotExist();
        Command.COMPENSATION.compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));
        assertThat(work.resolve("undone")).exists();
    }

    @Test
    void compensationToleratesNothingRecordedAndRunningTwice() throws Exception {
        Command step = Command.of("touch", "f").in(tmp).compensatedBy("rm", "-f", "f");

        // crash before anything was recorded: nothing to undo, no failure
        Command.COMPENSATION.compensate(TestStepContext.compensating(step, Map.of(), tmp));

        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);
        Command.COMPENSATION.compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));
        Command.COMPENSATION.compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));
        assertThat(tmp.resolve("f")).doesNotExist();
    }

    @Test
    void failingCompensationCommandRaisesCommandFailedException() {
        Command step = Command.of("true").in(tmp).compensatedBy("sh", "-c", "echo cannot roll back >&2; exit 2");
        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> step.compensation()
                        .compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp)));

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.stderrTail()).contains("cannot roll back");
    }

    @Test
    void secretsAreJournaledByNameOnlySoTheDurableCompensationFailsClearly() throws Exception {
        Command step = Command.of("sh", "-c", "printf %s \"$DB_PASSWORD\" > forward").in(tmp)
                .env("DB_PASSWORD", Secret.of(SECRET))
                .compensatedBy("sh", "-c", "printf %s \"$DB_PASSWORD\" > undone");
        StepHarness harness = StepHarness.of(step).backupRoot(tmp);
        StepContext forward = harness.context(StepContext.Phase.FORWARD);
        step.execute(forward);
        assertThat(Files.readString(tmp.resolve("forward"))).isEqualTo(SECRET);

        assertThat(forward.recordedValues()).containsEntry("undo.secretEnv", "[\"DB_PASSWORD\"]");
        assertThat(harness.recordLog()).isNotEmpty()
                .noneMatch(e -> e.getKey().contains(SECRET) || e.getValue().contains(SECRET));

        StepException e = catchThrowableOfType(StepException.class, () -> Command.COMPENSATION
                        .compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp)));
        assertThat(e.getMessage()).contains("DB_PASSWORD").contains("secret").doesNotContain(SECRET);
        assertThat(e.stepName()).isEqualTo(step.name());
        assertThat(tmp.resolve("undone")).doesNotExist();

        // the step object in memory holds the secret and can compensate
        step.compensation().compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));
        assertThat(Files.readString(tmp.resolve("undone"))).isEqualTo(SECRET);
    }

    @Test
    void secretIsMaskedInFailuresDescribeAndName() {
        Command step = Command.of("sh", "-c", "echo \"login with $DB_PASSWORD refused\" >&2; exit 1")
                .env("DB_PASSWORD", Secret.of(SECRET));

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> step.execute(TestStepContext.forward(step, tmp)));

        assertThat(e.getMessage()).doesNotContain(SECRET).contains("login with " + Secret.MASK + " refused");
        Command leaky = Command.of("mysql", "--password=" + SECRET).env("MYSQL_PWD", Secret.of(SECRET));
        assertThat(leaky.describe()).doesNotContain(SECRET).contains(Secret.MASK);
        assertThat(leaky.name()).doesNotContain(SECRET);
        assertThat(leaky.toString()).doesNotContain(SECRET);
    }

    @Test
    void secretValueInArgvIsRejectedBeforeAnythingIsRecordedOrRun() {
        Command step = Command.of("sh", "-c", "touch ran", "--password=" + SECRET).in(tmp)
                .env("DB_PASSWORD", Secret.of(SECRET))
                .compensatedBy("true");
        StepContext ctx = TestStepContext.forward(step, tmp);

        assertThatThrownBy(() -> step.validate(TestStepContext.validating(step, tmp)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("DB_PASSWORD")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(StepValidationException.class);
        assertThat(ctx.recordedValues()).isEmpty();
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void compensatedByAnotherCommandUsesItsOwnDirectoryEnvironmentAndSuccessCodes() throws Exception {
        Path other = Files.createDirectory(tmp.resolve("other"));
        Command step = Command.of("true").in(tmp).env("WHO", "forward")
                .compensatedBy(Command.of("sh", "-c", "printf %s \"$WHO\" > who; exit 3").in(other)
                        .env("WHO", "undo").successCodes(0, 3));
        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);

        Command.COMPENSATION.compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));

        assertThat(Files.readString(other.resolve("who"))).isEqualTo("undo");
        assertThat(tmp.resolve("who")).doesNotExist();
        assertThat(forward.recordedValues()).containsEntry("undo.successCodes", "0,3");
    }

    @Test
    void withoutCompensationTheStepIsIrreversible() throws Exception {
        Command step = Command.of("true").in(tmp);

        assertThat(step.compensation().irreversibleReason()).hasValueSatisfying(
                why -> assertThat(why).contains("no compensation declared for command true"));

        StepContext forward = TestStepContext.forward(step, tmp);
        step.execute(forward);
        assertThat(forward.recordedValues()).containsKey("undo.none").doesNotContainKey("undo.argv");
        // the durable compensation knows there is nothing to run
        Command.COMPENSATION.compensate(TestStepContext.compensating(step, forward.recordedValues(), tmp));
    }

    @Test
    void irreversibleGivesTheReason() {
        Command step = Command.of("php", "artisan", "queue:restart").compensatedBy("true")
                .irreversible("workers restart anyway");

        assertThat(step.compensation().irreversibleReason()).contains("workers restart anyway");
        assertThat(step.compensationCommand()).isEmpty();
        assertThat(step.describe()).contains("irreversible: workers restart anyway");
    }

    @Test
    void asVerificationIsAVerificationWithNothingToUndo() throws Exception {
        Command check = Command.of("test", "-f", "ready").in(tmp).asVerification();

        assertThat(check.kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(check.compensation().irreversibleReason()).isEmpty();
        assertThatThrownBy(() -> check.execute(TestStepContext.forward(check, tmp)))
                .isInstanceOf(CommandFailedException.class);

        Files.writeString(tmp.resolve("ready"), "");
        StepContext ctx = TestStepContext.forward(check, tmp);
        check.execute(ctx);
        assertThat(ctx.recordedValues()).isEmpty();
        assertThat(Command.of("true").asPivot().kind()).isEqualTo(StepKind.PIVOT);
    }

    @Test
    void defaultNameIsTheCommandLineShortenedAndNamedOverridesIt() {
        assertThat(Command.of("php", "artisan", "migrate", "--force").name()).isEqualTo("php artisan migrate --force");
        assertThat(Command.of("echo", "a b").name()).isEqualTo("echo 'a b'");
        String longName = Command.of("echo", "x".repeat(200)).name();
        assertThat(longName).hasSize(60).endsWith("...");
        assertThat(Command.of("sh", "-c", "a\nb").name()).doesNotContain("\n");
        assertThat(Command.of("true").withName("noop").name()).isEqualTo("noop");
    }

    @Test
    void describeShowsArgvDirectoryAndUndo() {
        Command step = Command.of("php", "artisan", "migrate").in(tmp).compensatedBy("php", "artisan", "migrate:rollback");

        assertThat(step.describe()).isEqualTo("run php artisan migrate in " + tmp
                + " (undo: php artisan migrate:rollback)");
    }

    @Test
    void timeoutOfTheCommandKillsIt() {
        Command step = Command.of("sleep", "30").timeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> step.execute(TestStepContext.forward(step, tmp)))
                .isInstanceOf(CommandTimeoutException.class);
    }

    @Test
    void validatePassesForARunnableCommand() {
        Command step = Command.of("sh", "-c", "true").in(tmp).compensatedBy("true");

        step.validate(TestStepContext.validating(step, tmp));
        assertThat(step.compensationCommand()).isPresent();
    }

    @Test
    void validateRejectsAMissingWorkingDirectory() {
        Path missing = tmp.resolve("releases/v2");
        Command step = Command.of("composer", "install").in(missing);

        assertThatThrownBy(() -> step.validate(TestStepContext.validating(step, tmp)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("composer install")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void validateRejectsAProgramNotOnThePath() {
        Command step = Command.of("backstep-no-such-tool", "--version");

        StepValidationException e = catchThrowableOfType(StepValidationException.class, () -> step.validate(TestStepContext.validating(step, tmp)));

        assertThat(e.stepName()).isEqualTo("backstep-no-such-tool --version");
        assertThat(e.getMessage()).contains("backstep-no-such-tool").contains("not found on PATH");
        assertThat(e.getCause()).isInstanceOf(ProgramNotFoundException.class);
    }

    @Test
    void validateRejectsAMissingCompensationProgram() {
        Command step = Command.of("true").compensatedBy("backstep-no-such-undo");

        assertThatThrownBy(() -> step.validate(TestStepContext.validating(step, tmp)))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("backstep-no-such-undo");
    }

    @Test
    void checkAtExecutionDefersTheChecksToTheRun() throws IOException {
        Path venv = tmp.resolve("venv");
        Command step = Command.of("./bin/pip", "install", "-r", "requirements.txt").in(venv).checkAtExecution();

        step.validate(TestStepContext.validating(step, tmp)); // an earlier step will create venv

        ProgramNotFoundException e = catchThrowableOfType(ProgramNotFoundException.class, () -> step.execute(TestStepContext.forward(step, tmp)));
        assertThat(e.program()).isEqualTo("./bin/pip");
        assertThat(Files.exists(venv)).isFalse();
    }

    @Test
    void invalidDefinitionsAreRejectedByTheFactory() {
        assertThatThrownBy(Command::of).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("program name");
        assertThatThrownBy(() -> Command.of(Arrays.asList("ls", null))).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("argument 1");
        assertThatThrownBy(() -> Command.of(" ", "x")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> Command.of("echo", "a\0b")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> Command.of("true").env("A=B", "x")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("A=B");
        assertThatThrownBy(() -> Command.of("true").env("A", (String) null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Command.of("true").timeout(Duration.ZERO)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> Command.of("true").withName(" ")).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Command.of("true").irreversible("")).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Command.of("true").compensatedBy()).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Command.of("true").in(null)).isInstanceOf(PlanDefinitionException.class);
    }

    @Test
    void commandIsImmutable() {
        Command base = Command.of("true");
        Command changed = base.in(tmp).env("A", "1").withName("x").compensatedBy("false");

        assertThat(base.name()).isEqualTo("true");
        assertThat(base.compensationCommand()).isEmpty();
        assertThat(base.spec().workingDir()).isEmpty();
        assertThat(changed.spec().env()).containsEntry("A", "1");
    }

    @Test
    void recordedArgvRoundTripsThroughJson() {
        List<String> argv = List.of("printf", "%s\n", "a \"b\"", "back\\slash", "tab\there", "\u0001", "é");

        assertThat(JsonText.parseStringArray(JsonText.stringArray(argv))).isEqualTo(argv);
        assertThat(JsonText.parseStringObject(JsonText.stringObject(Map.of("K", "v\n\"x\"")))).containsEntry("K", "v\n\"x\"");
        assertThatThrownBy(() -> JsonText.parseStringArray("[\"a\",")).isInstanceOf(BackstepException.class);
    }
}
