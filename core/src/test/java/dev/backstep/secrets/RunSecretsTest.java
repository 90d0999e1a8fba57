package dev.backstep.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.check.Check;
import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret given to one step is masked in everything the run writes, whichever later step prints it. */
class RunSecretsTest {
    private static final String CANARY = "canary-7f3a9c21";

    @TempDir
    Path dir;

    @Test
    void aSecretOfOneStepPrintedByALaterCheckIsMaskedInResultReportJournalAndEvents() throws Exception {
        Path env = dir.resolve("app.env");
        Files.writeString(env, "APP=1\n");
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void dispatch(RunEvent event) {
                events.add(event);
            }
        };
        Plan plan = Plan.named("deploy").target("app")
                .step(ConfigFile.edit(env).set("API_TOKEN", Secret.of(CANARY)))
                .step(Command.of("true").env("TOKEN", Secret.of(CANARY)).withName("uses the token")
                        .compensatedBy("true"))
                .step(Step.named("logs it").action(ctx -> ctx.logger().info("the token is {}", CANARY))
                        .compensation(ctx -> { }).build())
                .verify(Check.command(Command.of("sh", "-c", "cat \"$0\"; echo \"$1\" >&2; exit 3",
                        env.toString(), "stderr " + CANARY)).withName("prints the file"))
                .build();
        Runner runner = Backstep.runner().journal(Journal.directory(dir.resolve("journal")))
                .stateDir(dir.resolve("state")).listener(listener).build();

        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
        RunResult r;
        System.setErr(new java.io.PrintStream(logs, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = runner.run(plan);
        } finally {
            System.setErr(err);
        }

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(logs.toString(java.nio.charset.StandardCharsets.UTF_8)).as("logs")
                .contains("the token is ****").doesNotContain(CANARY);
        Throwable failure = r.failure().orElseThrow();
        assertThat(stackTrace(failure)).contains("but was <3>").doesNotContain(CANARY).contains("****");
        assertThat(r.report().toText()).doesNotContain(CANARY);
        assertThat(r.report().toJson()).doesNotContain(CANARY);
        assertThat(r.steps()).allSatisfy(s -> assertThat(String.valueOf(s)).doesNotContain(CANARY));
        try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as("journal %s", f).doesNotContain(CANARY);
            }
        }
        assertThat(events).isNotEmpty();
        for (RunEvent e : events) {
            assertThat(String.valueOf(e)).doesNotContain(CANARY);
            errorOf(e).ifPresent(t -> assertThat(stackTrace(t)).doesNotContain(CANARY));
        }
    }

    @Test
    void aSecretInALaterStepsExceptionIsMaskedAndTheExceptionKeepsItsTextAndType() {
        Plan plan = Plan.named("deploy").target("app")
                .step(Command.of("true").env("TOKEN", Secret.of(CANARY)).withName("uses the token").compensatedBy("true"))
                .step(Step.named("fails").action(ctx -> {
                    throw new IllegalStateException("could not log in with " + CANARY);
                }).compensation(ctx -> { }).build())
                .build();
        Runner runner = Backstep.runner().journal(Journal.inMemory()).stateDir(dir.resolve("state")).build();

        RunResult r = runner.run(plan);

        Throwable cause = r.failure().orElseThrow().getCause().getCause();
        assertThat(cause.toString()).isEqualTo("java.lang.IllegalStateException: could not log in with ****");
        assertThat(stackTrace(r.failure().orElseThrow())).doesNotContain(CANARY);
    }

    @Test
    void dryRunMasksASecretOfOneStepInThePreviewOfAnother() {
        Plan plan = Plan.named("deploy").target("app")
                .step(Command.of("true").env("TOKEN", Secret.of(CANARY)).withName("uses the token").compensatedBy("true"))
                .step(Command.of("echo", "token=" + CANARY + "-suffix").withName("echo").compensatedBy("true"))
                .build();
        DryRun d = Backstep.runner().journal(Journal.inMemory()).stateDir(dir.resolve("state")).build().dryRun(plan);
        assertThat(d.steps()).allSatisfy(p -> assertThat(p.toString()).doesNotContain(CANARY));
    }

    private static java.util.Optional<Throwable> errorOf(RunEvent e) {
        if (e instanceof RunEvent.StepFinished f) {
            return f.error();
        }
        if (e instanceof RunEvent.RunFinished f) {
            return f.failure();
        }
        if (e instanceof RunEvent.CompensationFinished f) {
            return f.error();
        }
        return java.util.Optional.empty();
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
