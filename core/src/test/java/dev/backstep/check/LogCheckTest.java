package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.Step;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log checks over real files: appended, rotated (rename + create, copytruncate), created late. */
class LogCheckTest {
    @TempDir
    Path tmp;

    private Path log() {
        return tmp.resolve("app.log");
    }

    private void append(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void onlyLinesWrittenSinceTheRunStartedCount() throws Exception {
        append(log(), "ERROR from last week");
        LogCheck check = Check.log(log()).since(Since.RUN_START).noneMatch("ERROR");
        check.validate(CheckContext.validating(check, tmp));
        append(log(), "INFO started v1.3.0");

        assertThatCode(() -> check.execute(CheckContext.forward(check, tmp))).doesNotThrowAnyException();
        assertThat(check.type()).isEqualTo(LogCheck.TYPE);
        assertThat(check.describe()).isEqualTo("check file " + log() + ": no line matching /ERROR/ since the run started");
    }

    @Test
    void failureQuotesTheFirstMatchingLinesWithSecretsMasked() throws Exception {
        append(log(), "INFO old");
        LogCheck check = Check.log(log()).noneMatch("ERROR|FATAL").masking(Secret.of("s3cr3t-value"));
        check.validate(CheckContext.validating(check, tmp));
        append(log(), "INFO deploy", "ERROR db login failed password=hunter2 for https://app:pw123@db:5432/shop",
                "FATAL token s3cr3t-value rejected, Authorization: Bearer abcdef123456", "ERROR third",
                "ERROR fourth, not quoted");

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("file " + log() + ": expected no line matching /ERROR|FATAL/ since the run started but found 4,"
                        + " first: \"ERROR db login failed password=**** for https://app:****@db:5432/shop\","
                        + " \"FATAL token **** rejected, Authorization: Bearer ****\", \"ERROR third\"")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("pw123")
                .hasMessageNotContaining("s3cr3t-value").hasMessageNotContaining("abcdef123456");
    }

    @Test
    void linesWrittenBeforeALogrotateRenameAreStillRead() throws Exception {
        append(log(), "INFO before the run");
        LogCheck check = Check.log(log()).noneMatch("ERROR");
        check.validate(CheckContext.validating(check, tmp));
        append(log(), "ERROR written just before rotation");
        Files.move(log(), tmp.resolve("app.log.1"));   // logrotate: rename, then create
        append(log(), "INFO new file");

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageEndingWith("but found 1: \"ERROR written just before rotation\"");

        LogCheck again = Check.log(log()).noneMatch("ERROR");
        again.validate(CheckContext.validating(again, tmp));
        Files.move(log(), tmp.resolve("app.log.2"));
        append(log(), "ERROR in the new file");
        assertThatThrownBy(() -> again.execute(CheckContext.forward(again, tmp)))
                .hasMessageEndingWith("but found 1: \"ERROR in the new file\"");
    }

    @Test
    void aFileTruncatedInPlaceIsReadFromItsStart() throws Exception {
        append(log(), "INFO a long line that makes the file longer than what comes after the truncation");
        LogCheck check = Check.log(log()).noneMatch("ERROR");
        check.validate(CheckContext.validating(check, tmp));
        try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            ch.truncate(0); // logrotate copytruncate
        }
        append(log(), "ERROR after truncate");

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .hasMessageEndingWith("but found 1: \"ERROR after truncate\"");
    }

    @Test
    void aLogCreatedDuringTheRunIsReadWhole() throws Exception {
        LogCheck check = Check.log(log()).noneMatch("Exception");
        check.validate(CheckContext.validating(check, tmp));
        append(log(), "java.lang.IllegalStateException: boom");

        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .hasMessageContaining("found 1: \"java.lang.IllegalStateException: boom\"");
    }

    @Test
    void sinceStepStartWatchesTheLogDuringTheGivenTimeAndFailsAtTheFirstMatch() throws Exception {
        append(log(), "ERROR before the check");
        LogCheck quiet = Check.log(log()).since(Since.STEP_START).noneMatch("ERROR")
                .during(Duration.ofMillis(300)).every(Duration.ofMillis(50));
        quiet.validate(CheckContext.validating(quiet, tmp));
        assertThatCode(() -> quiet.execute(CheckContext.forward(quiet, tmp))).doesNotThrowAnyException();

        LogCheck watch = Check.log(log()).since(Since.STEP_START).noneMatch("ERROR")
                .during(Duration.ofSeconds(60)).every(Duration.ofMillis(50));
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(300);
                append(log(), "ERROR while watching");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        writer.start();
        assertThatThrownBy(() -> watch.execute(CheckContext.forward(watch, tmp)))
                .hasMessageEndingWith("since the check started but found 1: \"ERROR while watching\"");
        writer.join(10_000);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    }

    @Test
    void inAPlanAMatchRollsBackTheDeploy() throws Exception {
        append(log(), "ERROR from before the deploy");
        Path marker = tmp.resolve("deployed");
        Plan plan = Plan.named("deploy").target("log-test")
                .step(Step.named("deploy").action(ctx -> {
                    ctx.record("marker", marker.toString());
                    Files.writeString(marker, "v2");
                    append(log(), "ERROR v2 cannot reach the queue");
                }).compensation(ctx -> Files.deleteIfExists(marker)).build())
                .verify(Check.log(log()).noneMatch("ERROR").withName("no errors"))
                .build();

        RunResult r = Backstep.runner().stateDir(tmp.resolve("state")).build().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(marker).doesNotExist();
        assertThat(r.failure().orElseThrow()).hasStackTraceContaining("but found 1: \"ERROR v2 cannot reach the queue\"");
    }

    @Test
    void badInputIsRefusedBeforeAnythingRuns() throws Exception {
        assertThatThrownBy(() -> Check.log((Path) null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.log(log()).noneMatch("ERROR(")).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("invalid regular expression /ERROR(/");
        assertThatThrownBy(() -> Check.log(log()).noneMatch("")).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Check.log(log()).during(Duration.ZERO)).isInstanceOf(PlanDefinitionException.class);
        LogCheck nothing = Check.log(log());
        CheckContext.refusedByValidation(nothing, tmp).hasMessageContaining("call noneMatch(regex)");
        Files.writeString(tmp.resolve("real.log"), "x\n");
        Files.createSymbolicLink(log(), tmp.resolve("real.log"));
        LogCheck link = Check.log(log()).noneMatch("x");
        CheckContext.refusedByValidation(link, tmp).hasMessageContaining("is a symbolic link");
    }

    @Test
    void withoutAPositionFromValidationAFileCheckSaysSoInsteadOfReadingTooLittle() {
        LogCheck check = Check.log(log()).noneMatch("ERROR");
        assertThatThrownBy(() -> check.execute(CheckContext.forward(check, tmp)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageContaining("the position of the log when run check-test started is unknown");
    }
}
