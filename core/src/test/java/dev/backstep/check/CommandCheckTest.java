package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Command;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.StepKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandCheckTest {
    @TempDir
    Path tmp;

    private void run(CommandCheck check) throws Exception {
        CheckContext.run(check, tmp);
    }

    @Test
    void passesWhenTheProgramExitsZero() {
        CommandCheck check = Check.command("true");

        assertThatCode(() -> run(check)).doesNotThrowAnyException();
        assertThat(check.kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(check.name()).isEqualTo("true");
        assertThat(check.describe()).startsWith("check command true in ").endsWith(" exits <0>");
    }

    @Test
    void failsWithTheExitCodeAndTheEndOfStderr() {
        assertThatThrownBy(() -> run(Check.command("false")))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("command false: expected exit code <0> but was <1>");
        assertThatThrownBy(() -> run(Check.command(Command.of("sh", "-c", "echo 'FAILED test_login' >&2; exit 3"))
                .withName("smoke tests")))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageEndingWith(": expected exit code <0> but was <3> (stderr: \"FAILED test_login\")");
    }

    @Test
    void rerunsTheProgramUntilItPasses() throws Exception {
        Path counter = tmp.resolve("runs");
        // exits 0 on its third run
        CommandCheck check = Check.command(Command.of("sh", "-c",
                        "n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs; [ $n -ge 3 ]").in(tmp))
                .withName("third time lucky").within(Duration.ofSeconds(30)).every(Duration.ofMillis(20));

        run(check);

        assertThat(Files.readString(counter).strip()).isEqualTo("3");
    }

    @Test
    void honoursTheCommandsSuccessCodesAndTimeout() {
        assertThatCode(() -> run(Check.command(Command.of("sh", "-c", "exit 2").successCodes(0, 2))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> run(Check.command(Command.of("sleep", "30").timeout(Duration.ofMillis(200)))))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("command sleep 30: expected exit code <0> but it ran longer than 200 ms and was killed");
    }

    @Test
    void secretsOfTheCommandStayMasked() {
        CommandCheck check = Check.command(Command.of("sh", "-c", "echo \"bad token $API_TOKEN\" >&2; exit 1")
                .env("API_TOKEN", Secret.of("tok-123456")));

        assertThatThrownBy(() -> run(check))
                .hasMessageContaining("bad token ****").hasMessageNotContaining("tok-123456");
    }

    @Test
    void validationFindsAMissingProgramBeforeAnythingRuns() {
        CommandCheck check = Check.command("no-such-program-backstep", "--version").withName("smoke");

        CheckContext.refusedByValidation(check, tmp)
                .hasMessageStartingWith("step 'smoke': ")
                .hasMessageContaining("no-such-program-backstep");
    }

    @Test
    void refusesBadInputWhenBuilt() {
        assertThatThrownBy(() -> Check.command((Command) null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.command()).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.command("true").every(Duration.ZERO)).isInstanceOf(PlanDefinitionException.class);
    }
}
