package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.StepRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code afterRollback} steps and {@code verifyAfterRollback} checks: the last phase of every rollback. */
class RollbackStepsTest {
    @TempDir
    Path tmp;
    @TempDir
    Path state;

    private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

    private Step writes(String name, String file, String content) {
        Path f = tmp.resolve(file);
        return Step.named(name)
                .action(ctx -> {
                    ctx.record("previous", Files.readString(f));
                    Files.writeString(f, content);
                })
                .compensation(ctx -> {
                    trace.add("undo " + name);
                    Files.writeString(f, ctx.recorded("previous").orElseThrow());
                })
                .build();
    }

    private Step traced(String name) {
        return Step.named(name).action(ctx -> trace.add(name)).build();
    }

    private Step failing(String name, String message) {
        return Step.named(name).action(ctx -> {
            trace.add(name);
            throw new IllegalStateException(message);
        }).build();
    }

    private Plan.Builder deploy() throws IOException {
        Files.writeString(tmp.resolve("code"), "v1");
        Files.writeString(tmp.resolve("config"), "c1");
        return Plan.named("deploy").target("app")
                .step(writes("code", "code", "v2"))
                .step(writes("config", "config", "c2"));
    }

    private Runner runner(RunListener... listeners) {
        Runner.Builder b = Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal")));
        for (RunListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    @Test
    void afterRollbackStepsRunAfterEveryCompensationThenTheChecks() throws IOException {
        Plan plan = deploy()
                .verify(failing("health", "503"))
                .afterRollback(traced("restart php-fpm"), traced("rebuild cache"))
                .verifyAfterRollback(Step.named("restored health").action(ctx -> {
                    trace.add("restored health sees " + Files.readString(tmp.resolve("code")));
                }).build())
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(trace).containsExactly("health", "undo config", "undo code", "restart php-fpm", "rebuild cache",
                "restored health sees v1");
        assertThat(r.rollbackSteps()).extracting(StepOutcome::name)
                .containsExactly("restart php-fpm", "rebuild cache", "restored health");
        assertThat(r.rollbackSteps()).extracting(StepOutcome::status).containsOnly(StepStatus.SUCCEEDED);
        assertThat(r.rollbackSteps().get(2).kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(r.stillApplied()).isEmpty();
        assertThat(r.report().toText()).contains("after every compensation:", "restart php-fpm", "restored health");
        assertThat(r.report().toJson()).contains("\"rollbackSteps\":[{\"name\":\"restart php-fpm\"");
    }

    @Test
    void theyDoNotRunWhenThePlanSucceeds() throws IOException {
        Plan plan = deploy().afterRollback(traced("restart")).verifyAfterRollback(traced("check")).build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(trace).isEmpty();
        assertThat(r.rollbackSteps()).isEmpty();
    }

    @Test
    void aFailedCheckOfTheRestoredSystemEndsTheRunRollbackFailedWithTheFailureKeptAndNamed() throws IOException {
        Plan plan = deploy()
                .verify(failing("health", "503 from the new code"))
                .verifyAfterRollback(failing("restored health", "still 503 after the rollback"),
                        traced("second check"))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(r.compensated()).containsExactly("config", "code");
        assertThat(trace).endsWith("restored health", "second check");
        RunFailedException f = r.failure().orElseThrow();
        assertThat(f.getCause()).hasMessageContaining("503 from the new code");
        assertThat(f.getSuppressed()).hasSize(1);
        assertThat(f.getSuppressed()[0]).isInstanceOf(RollbackStepFailedException.class)
                .hasMessageContaining("after-rollback check 'restored health' failed: still 503 after the rollback");
        assertThat(((RollbackStepFailedException) f.getSuppressed()[0]).verification()).isTrue();
        assertThat(r.step("restored health").status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.step("second check").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.report().toText()).contains("after-rollback check 'restored health' failed");
        assertThat(r.report().toJson()).contains("\"status\":\"ROLLBACK_FAILED\"", "restored health");
    }

    @Test
    void aFailedAfterRollbackStepDoesNotStopTheOthersOrTheChecksAndEndsRollbackFailed() throws IOException {
        Plan plan = deploy()
                .verify(failing("health", "503"))
                .afterRollback(failing("restart php-fpm", "unit not found"), traced("rebuild cache"))
                .verifyAfterRollback(traced("restored health"))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(trace).containsExactly("health", "undo config", "undo code", "restart php-fpm", "rebuild cache",
                "restored health");
        assertThat(Files.readString(tmp.resolve("code"))).isEqualTo("v1");
        Throwable[] also = r.failure().orElseThrow().getSuppressed();
        assertThat(also).hasSize(1);
        assertThat(also[0]).isInstanceOf(RollbackStepFailedException.class)
                .hasMessageContaining("after-rollback step 'restart php-fpm' failed: unit not found");
    }

    @Test
    void theyAreRetriedWithTheirOwnPolicy() throws IOException {
        int[] calls = {0};
        Plan plan = deploy()
                .verify(failing("health", "503"))
                .verifyAfterRollback(Step.named("restored health").action(ctx -> {
                    if (++calls[0] < 3) {
                        throw new IllegalStateException("not up yet");
                    }
                }).retry(RetryPolicy.attempts(3)).build())
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.step("restored health").attempts()).isEqualTo(3);
    }

    @Test
    void listenersSeeAStartAndAnEndForEachAfterTheCompensations() throws IOException {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        RunListener l = new RunListener() {
            @Override
            public void onCompensationEnd(RunEvent.CompensationFinished e) {
                events.add("undone " + e.step());
            }

            @Override
            public void onRollbackStepStart(RunEvent.RollbackStepStarted e) {
                events.add("start " + e.step() + " " + e.kind());
            }

            @Override
            public void onRollbackStepEnd(RunEvent.RollbackStepFinished e) {
                events.add("end " + e.step() + (e.succeeded() ? " ok" : " failed"));
            }

            @Override
            public void onRunEnd(RunEvent.RunFinished e) {
                events.add("run " + e.status());
            }
        };
        Plan plan = deploy().verify(failing("health", "503"))
                .afterRollback(traced("restart")).verifyAfterRollback(failing("check", "down")).build();

        runner(l).run(plan);

        assertThat(events).containsExactly("undone config", "undone code", "start restart COMPENSATABLE",
                "end restart ok", "start check VERIFICATION", "end check failed", "run ROLLBACK_FAILED");
    }

    @Test
    void aJournaledCommandStepThatNeedsASecretFailsByNameFromTheJournalAndTheChecksStillRun() throws IOException {
        Path restarted = tmp.resolve("restarted");
        Plan plan = Plan.named("deploy").target("app")
                .step(Command.of("touch", "deployed").in(tmp).compensatedBy("rm", "deployed").withName("deploy"))
                .afterRollback(Command.of("touch", restarted.toString()).env("TOKEN", Secret.of("tok-abcdef-123"))
                        .withName("restart"))
                .verifyAfterRollback(Command.of("test", "!", "-e", "deployed").in(tmp).asVerification()
                        .withName("not deployed"))
                .build();
        RunResult ran = runner().run(plan);
        assertThat(ran.status()).isEqualTo(RunStatus.SUCCEEDED);

        RunResult r = runner().rollback(ran.runId());

        assertThat(r.status()).as(r.report().toText()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        // the restart needs its secret, which is never journaled: it fails by name, the check still runs
        assertThat(r.step("restart").error().orElseThrow()).hasMessageContaining("TOKEN");
        assertThat(r.step("not deployed").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(Files.exists(tmp.resolve("deployed"))).isFalse();
        assertThat(journalText()).doesNotContain("tok-abcdef-123");
    }

    @Test
    void aFreshRunnerWithoutThePlanRunsTheJournaledCommandStepAndCheck()
            throws IOException {
        Path restarted = tmp.resolve("restarted");
        Plan plan = Plan.named("deploy").target("app")
                .step(Command.of("touch", "deployed").in(tmp).compensatedBy("rm", "deployed").withName("deploy"))
                .afterRollback(Command.of("touch", restarted.toString()).withName("restart"))
                .verifyAfterRollback(Command.of("test", "!", "-e", "deployed").in(tmp).withName("not deployed")
                        .withRetry(RetryPolicy.attempts(2)))
                .build();
        RunResult ran = runner().run(plan);

        RunResult r = runner().rollback(ran.runId());

        assertThat(r.status()).as(r.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.exists(restarted)).isTrue();
        assertThat(r.rollbackSteps()).extracting(StepOutcome::name).containsExactly("restart", "not deployed");
        assertThat(runner().summary(ran.runId()).status()).contains(RunStatus.ROLLED_BACK);
    }

    @Test
    void aRunWhoseAfterRollbackStepNothingResolvesIsRefusedBeforeAnythingChanges() throws IOException {
        Plan plan = Plan.named("deploy").target("app")
                .step(Command.of("touch", "deployed").in(tmp).compensatedBy("rm", "deployed").withName("deploy"))
                .afterRollback(traced("restart in memory"))
                .build();
        RunResult ran = runner().run(plan);
        Runner fresh = Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal")))
                .registry(StepRegistry.discover()).build();

        assertThatThrownBy(() -> fresh.rollback(ran.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("'restart in memory' (type custom)");
        assertThat(Files.exists(tmp.resolve("deployed"))).as("nothing changed").isTrue();
        assertThat(trace).isEmpty();

        Runner withPlan = Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal")))
                .plan(plan).build();
        RunResult r = withPlan.rollback(ran.runId());
        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.exists(tmp.resolve("deployed"))).isFalse();
        assertThat(trace).containsExactly("restart in memory");
    }

    @Test
    void dryRunDescribeAndMermaidShowThem() throws IOException {
        Plan plan = deploy().afterRollback(traced("restart")).verifyAfterRollback(traced("health again")).build();

        DryRun d = runner().dryRun(plan);

        assertThat(d.steps()).extracting(DryRun.StepPreview::name).containsExactly("code", "config", "restart",
                "health again");
        assertThat(d.steps().get(2).undo()).contains("runs only in a rollback, after every compensation");
        assertThat(d.steps().get(3).kind()).isEqualTo(StepKind.VERIFICATION);
        assertThat(d.toText()).contains("restart", "health again");
        assertThat(plan.describe()).contains("on rollback, after every compensation:", "restart [then]",
                "health again [verify]");
        assertThat(plan.toMermaid()).contains("subgraph rollback", "r0[\"restart\"]", "r1{{\"health again\"}}",
                "s0 -. then .-> r0");
        assertThat(trace).as("a dry run executes nothing").isEmpty();
    }

    @Test
    void aRehearsalRunsThemAndIsNotExactWhenTheRestoredSystemFailsItsCheck() throws IOException {
        Plan good = deploy().afterRollback(traced("restart"))
                .verifyAfterRollback(Step.named("code is v1").action(ctx -> {
                    if (!Files.readString(tmp.resolve("code")).equals("v1")) {
                        throw new IllegalStateException("code is not v1");
                    }
                }).build())
                .build();
        Rehearsal ok = runner().rehearse(good);
        assertThat(ok.rollbackRun().rollbackSteps()).extracting(StepOutcome::status)
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED);
        assertThat(ok.rollbackRun().status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(ok.restoredExactly()).isTrue();
        assertThat(ok.toText()).contains("then:      restart SUCCEEDED, code is v1 [verify] SUCCEEDED");

        Plan bad = Plan.named("deploy 2").target("app2").step(writes("code", "code", "v3"))
                .verifyAfterRollback(failing("never healthy", "down")).build();
        Rehearsal r = runner().rehearse(bad);
        assertThat(r.rollbackRun().status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(r.restoredExactly()).isFalse();
        assertThat(r.secondRun()).isEmpty();
    }

    @Test
    void badRollbackStepsAreRefusedWhenThePlanIsBuilt() {
        assertThatThrownBy(() -> Plan.named("p").step(traced("a")).afterRollback((Step) null).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("afterRollback step #1 is null");
        assertThatThrownBy(() -> Plan.named("p").step(traced("a")).verifyAfterRollback().build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("verifyAfterRollback(...) was given no step");
        assertThatThrownBy(() -> Plan.named("p").step(traced("a")).afterRollback(traced("a")).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("'a' is used twice");
        assertThatThrownBy(() -> Plan.named("p").afterRollback(traced("a")).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("it has no steps");
    }

    @Test
    void aRollbackStepsValidationFailureStopsTheRunBeforeAnythingChanges() throws IOException {
        Plan plan = deploy().afterRollback(Step.named("restart").action(ctx -> trace.add("restart"))
                .validate(ctx -> {
                    throw new StepValidationException("restart", "unit php-fpm does not exist");
                }).build()).build();

        assertThatThrownBy(() -> runner().run(plan)).isInstanceOf(StepValidationException.class)
                .hasMessageContaining("unit php-fpm does not exist");
        assertThat(Files.readString(tmp.resolve("code"))).isEqualTo("v1");
    }

    @Test
    void theirJournalRecordsAreMarkedAndNeverMakeAStepApplied() throws IOException {
        Plan plan = deploy().verify(failing("health", "503")).afterRollback(traced("restart")).build();
        Journal journal = Journal.inMemory();
        Runner r = Backstep.runner().stateDir(state).journal(journal).build();

        RunResult res = r.run(plan);

        List<JournalRecord> records = journal.read(res.runId());
        assertThat(records).filteredOn(x -> x.step().equals(java.util.Optional.of("restart")))
                .extracting(JournalRecord::type)
                .containsExactly(JournalRecord.Type.STEP_STARTED, JournalRecord.Type.STEP_SUCCEEDED);
        assertThat(records).filteredOn(x -> x.step().equals(java.util.Optional.of("restart")))
                .allMatch(x -> x.get("rollbackStep").equals(java.util.Optional.of("afterRollback")));
        assertThat(r.summary(res.runId()).isApplied()).isFalse();
        assertThatThrownBy(() -> r.rollback(res.runId())).isInstanceOf(NothingToRollBackException.class);
    }

    private String journalText() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(state.resolve("journal"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    all.append(Files.readString(p));
                }
            }
        }
        return all.toString();
    }
}
