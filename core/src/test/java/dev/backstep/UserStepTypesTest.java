package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed code steps: {@code Step.named(..).type("acme.x")} undone by the compensation registered for the type. */
class UserStepTypesTest {
    static final String TYPE = "acme.write-version";

    @TempDir
    Path tmp;
    @TempDir
    Path state;

    /** Undoes the typed step from its recorded values alone. */
    static final Compensation RESTORE = ctx -> {
        if (ctx.recorded("previous").isPresent()) {
            Files.writeString(Path.of(ctx.recorded("file").orElseThrow()), ctx.recorded("previous").get());
        }
    };

    private Step writeVersion(String version) {
        Path f = tmp.resolve("version");
        return Step.named("write version").type(TYPE)
                .action(ctx -> {
                    ctx.record("file", f.toString());
                    ctx.record("previous", Files.readString(f));
                    Files.writeString(f, version);
                })
                .build();
    }

    private Runner.Builder runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal")));
    }

    @Test
    void aTypedStepWithoutItsOwnCompensationIsUndoneLiveByTheRegisteredOne() throws IOException {
        Files.writeString(tmp.resolve("version"), "1");
        Plan plan = Plan.named("deploy").step(writeVersion("2"))
                .verify(Step.verification("health", ctx -> {
                    throw new IllegalStateException("503");
                })).build();

        RunResult r = runner().compensation(TYPE, RESTORE).build().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.compensated()).containsExactly("write version");
        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("1");
    }

    @Test
    void aFreshRunnerThatKnowsOnlyTheTypeRollsASucceededRunBack() throws IOException {
        Files.writeString(tmp.resolve("version"), "1");
        RunResult ran = runner().compensation(TYPE, RESTORE).build().run(Plan.named("deploy").step(writeVersion("2"))
                .build());
        assertThat(ran.status()).isEqualTo(RunStatus.SUCCEEDED);

        RunResult r = runner().compensation(TYPE, RESTORE).build().rollback(ran.runId());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("1");
    }

    @Test
    void aFreshRunnerThatDoesNotKnowTheTypeRefusesNamingTypeAndStepBeforeAnythingChanges() throws IOException {
        Files.writeString(tmp.resolve("version"), "1");
        RunResult ran = runner().compensation(TYPE, RESTORE).build().run(Plan.named("deploy").step(writeVersion("2"))
                .build());

        assertThatThrownBy(() -> runner().build().rollback(ran.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("'write version' (type " + TYPE + ")");
        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("2");
    }

    @Test
    void aRunWithATypedStepWhoseTypeIsNotRegisteredIsRefusedBeforeAnythingChanges() throws IOException {
        Files.writeString(tmp.resolve("version"), "1");
        Plan plan = Plan.named("deploy").step(writeVersion("2")).build();

        assertThatThrownBy(() -> runner().build().run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("step 'write version' has type '" + TYPE + "'")
                .hasMessageContaining("no compensation is registered");
        assertThat(Files.readString(tmp.resolve("version"))).isEqualTo("1");
        assertThat(runner().build().dryRun(plan).problems()).singleElement().asString()
                .contains("write version", TYPE);
    }

    @Test
    void aTypedStepWithItsOwnCompensationUsesItLiveButStillNeedsTheTypeRegistered() throws IOException {
        Files.writeString(tmp.resolve("version"), "1");
        int[] own = {0};
        Step s = Step.named("write version").type(TYPE)
                .action(ctx -> Files.writeString(tmp.resolve("version"), "2"))
                .compensation(ctx -> {
                    own[0]++;
                    Files.writeString(tmp.resolve("version"), "1");
                })
                .build();
        Plan plan = Plan.named("deploy").step(s).verify(Step.verification("health", ctx -> {
            throw new IllegalStateException("503");
        })).build();

        assertThatThrownBy(() -> runner().build().run(plan)).isInstanceOf(StepValidationException.class);

        RunResult r = runner().compensation(TYPE, RESTORE).build().run(plan);
        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(own[0]).isEqualTo(1);
        assertThat(s.type()).isEqualTo(TYPE);
    }

    @Test
    void badTypesAreRefused() {
        assertThatThrownBy(() -> Step.named("x").type(" ")).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Step.named("x").type(Step.CUSTOM_TYPE)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Step.named("x").type(null)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> Backstep.runner().compensation(TYPE, RESTORE).compensation(TYPE, ctx -> { }))
                .isInstanceOf(BackstepException.class).hasMessageContaining("registered twice");
        assertThatThrownBy(() -> Backstep.runner().compensation(" ", RESTORE)).isInstanceOf(BackstepException.class);
    }

    @Test
    void aTypedStepRunAfterARollbackNeedsItsTypeRegisteredAndRunsTheRegisteredCodeFromTheJournal()
            throws IOException {
        Path restarted = tmp.resolve("restarted");
        Step restart = Step.named("restart").type("acme.restart")
                .action(ctx -> Files.writeString(restarted, "live")).build();
        Step typedCheck = Step.named("typed check").type("acme.check").kind(StepKind.VERIFICATION)
                .action(ctx -> { }).build();
        Plan plan = Plan.named("deploy").target("t")
                .step(Command.of("touch", "deployed").in(tmp).compensatedBy("rm", "deployed").withName("deploy"))
                .verify(typedCheck)
                .afterRollback(restart)
                .build();

        assertThatThrownBy(() -> runner().build().run(plan)).isInstanceOf(StepValidationException.class)
                .hasMessageContaining("'restart' has type 'acme.restart'");

        RunResult ran = runner().compensation("acme.restart", ctx -> Files.writeString(restarted, "from journal"))
                .build().run(plan);
        assertThat(ran.status()).as("a typed verification of the stages needs no registration").isEqualTo(
                RunStatus.SUCCEEDED);

        RunResult r = runner().compensation("acme.restart", ctx -> Files.writeString(restarted, "from journal"))
                .build().rollback(ran.runId());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(restarted)).isEqualTo("from journal");
        assertThat(tmp.resolve("deployed")).doesNotExist();
    }
}
