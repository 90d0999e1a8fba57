package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Type;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records no side effect waits for are appended lazily: the directory journal writes them at once
 * and forces them with the run's next durable record, so a deploy pays one fsync per step start,
 * capture, compensation start and run end, not one per record.
 */
class LazyAppendTest {
    @TempDir
    Path tmp;

    private static JournalRecord rec(RunId run, long seq, Type type) {
        return new JournalRecord(run, seq, Instant.now(), type, Optional.of("s"),
                type == Type.STEP_STARTED ? Map.of("kind", "COMPENSATABLE", "type", "custom", "stage", "0",
                        "attempt", "1") : Map.of());
    }

    @Test
    void aLazilyAppendedRecordIsReadableAtOnceAndForcedByTheNextDurableAppend() {
        RunId run = RunId.generate(Instant.now());
        try (DirectoryJournal journal = new DirectoryJournal(tmp)) {
            journal.append(rec(run, 0, Type.RUN_STARTED));
            assertThat(journal.forces(run)).isEqualTo(1);

            journal.appendLazily(rec(run, 1, Type.STEP_STARTED));
            journal.appendLazily(rec(run, 2, Type.STEP_SUCCEEDED));
            assertThat(journal.forces(run)).as("written, not forced").isEqualTo(1);
            assertThat(journal.read(run)).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L);

            journal.append(rec(run, 3, Type.STEP_STARTED));
            assertThat(journal.forces(run)).as("one force for the three").isEqualTo(2);
            journal.appendLazily(rec(run, 4, Type.STEP_SUCCEEDED));
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(run)).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aRunForcesStepStartsCapturesCompensationStartsAndItsEndAndLetsTheRestRideThem() {
        Recording journal = new Recording();
        RunResult r = Backstep.runner().journal(journal).stateDir(tmp).build().run(plan(false));

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(journal.durable).containsExactly("RUN_STARTED", "STEP_STARTED a", "STEP_RECORDED a",
                "STEP_STARTED b", "STEP_RECORDED b", "COMPENSATION_STARTED b", "COMPENSATION_STARTED a",
                "RUN_FINISHED");
        assertThat(journal.lazy).containsExactly("STEP_SUMMARY a", "STEP_SUCCEEDED a", "STEP_SUCCEEDED b",
                "STEP_STARTED smoke test", "STEP_FAILED smoke test", "ROLLBACK_STARTED",
                "COMPENSATION_SUCCEEDED b", "COMPENSATION_SUCCEEDED a");
    }

    @Test
    void aRunWithASecretMasksLazyRecordsTooAndKeepsACaptureInOneAppend() {
        Recording journal = new Recording();
        RunResult r = Backstep.runner().journal(journal).stateDir(tmp).build().run(plan(true));

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(journal.lazy).contains("STEP_SUCCEEDED a", "STEP_FAILED smoke test", "ROLLBACK_STARTED");
        assertThat(journal.durable).containsSubsequence("STEP_STARTED b", "STEP_RECORDED b");
        assertThat(journal.durable).as("b's two values in one durable append").filteredOn("STEP_RECORDED b"::equals)
                .hasSize(1);
        assertThat(journal.texts).noneMatch(t -> t.contains("s3cr3t-canary"));
    }

    @Test
    void aParallelGroupsCompensationsStartAfterOneSyncInsteadOfAForcedStartEach() {
        Recording journal = new Recording();
        Plan plan = Plan.named("group").target("group@test")
                .parallel(Step.named("x").action(ctx -> ctx.record("k", "x")).compensation(ctx -> { }).build(),
                        Step.named("y").action(ctx -> ctx.record("k", "y")).compensation(ctx -> { }).build(),
                        Step.named("z").action(ctx -> ctx.record("k", "z")).compensation(ctx -> { }).build())
                .verify(Step.verification("smoke test", ctx -> {
                    throw new IllegalStateException("failed on purpose");
                }))
                .build();
        RunResult r = Backstep.runner().journal(journal).stateDir(tmp).build().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(journal.durable).noneMatch(d -> d.startsWith("COMPENSATION_STARTED"));
        assertThat(journal.lazy).filteredOn(d -> d.startsWith("COMPENSATION_STARTED")).hasSize(3);
        assertThat(journal.durable).containsSubsequence("SYNC", "RUN_FINISHED");
        assertThat(journal.durable.subList(journal.durable.indexOf("SYNC"), journal.durable.size()))
                .as("the sync comes after the failure and the rollback's start").containsExactly("SYNC",
                        "RUN_FINISHED");
        assertThat(journal.lazy.indexOf("ROLLBACK_STARTED")).isLessThan(journal.lazy.indexOf("COMPENSATION_STARTED x"));
    }

    @Test
    void syncForcesWhatLazyAppendsLeftAndNothingWhenAllIsDurable() {
        RunId run = RunId.generate(Instant.now());
        try (DirectoryJournal journal = new DirectoryJournal(tmp)) {
            journal.append(rec(run, 0, Type.RUN_STARTED));
            journal.sync(run);
            assertThat(journal.forces(run)).as("nothing unforced: no force").isEqualTo(1);
            journal.appendLazily(rec(run, 1, Type.STEP_SUCCEEDED));
            journal.sync(run);
            assertThat(journal.forces(run)).isEqualTo(2);
        }
    }

    private static Plan plan(boolean withSecret) {
        Plan.Builder b = Plan.named("lazy").target("lazy@test")
                .step(Step.named("a").action(ctx -> {
                    ctx.record("k", "v");
                    ctx.summary("changed a");
                }).compensation(ctx -> { }).build())
                .step(Step.named("b").action(ctx -> ctx.recordAll(Map.of("x", "1", "y", "2")))
                        .compensation(ctx -> { }).build());
        if (withSecret) {
            b = b.step(Command.of("true").env("TOKEN", Secret.of("s3cr3t-canary")).withName("uses the token")
                    .compensatedBy("true"));
        }
        return b.verify(Step.verification("smoke test", ctx -> {
            throw new IllegalStateException("failed on purpose, s3cr3t-canary");
        })).build();
    }

    /** An in-memory journal telling durable and lazy appends apart. */
    private static final class Recording extends ForwardingJournal {
        final List<String> durable = Collections.synchronizedList(new ArrayList<>());
        final List<String> lazy = Collections.synchronizedList(new ArrayList<>());
        final List<String> texts = Collections.synchronizedList(new ArrayList<>());

        Recording() {
            super(Journal.inMemory());
        }

        private static String name(JournalRecord r) {
            return r.type() + r.step().map(s -> " " + s).orElse("");
        }

        @Override
        public void append(JournalRecord r) {
            durable.add(name(r));
            texts.add(r.data().toString());
            super.append(r);
        }

        @Override
        public void appendAll(List<JournalRecord> records) {
            if (!records.isEmpty()) {
                durable.add(name(records.get(0)));
            }
            records.forEach(r -> texts.add(r.data().toString()));
            delegate().appendAll(records);
        }

        @Override
        public void appendLazily(JournalRecord r) {
            lazy.add(name(r));
            texts.add(r.data().toString());
            delegate().append(r);
        }

        @Override
        public void sync(RunId runId) {
            durable.add("SYNC");
        }
    }
}
