package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Journal.appendAll}, {@code StepContext.recordAll} and concurrent appenders of one run
 * (group commit): every record lands, once, readable by a later journal.
 */
class JournalAppendAllTest {
    @TempDir
    Path tmp;

    private static JournalRecord rec(RunId run, long seq, String key) {
        return new JournalRecord(run, seq, Instant.now(), JournalRecord.Type.STEP_RECORDED, Optional.of("s"),
                Map.of("key", key, "value", "v" + seq));
    }

    @Test
    void appendAllWritesEveryRecordOfARunDurablyInOrder() {
        RunId run = RunId.generate(Instant.now());
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(run, 0, "a"));
            journal.appendAll(List.of(rec(run, 1, "b"), rec(run, 2, "c"), rec(run, 3, "d")));
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(run)).extracting(r -> r.data().get("key")).containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void appendAllWithARepeatedSequenceIsRefusedAndWritesNothing() throws Exception {
        RunId run = RunId.generate(Instant.now());
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(run, 0, "a"));
            assertThatThrownBy(() -> journal.appendAll(List.of(rec(run, 1, "b"), rec(run, 1, "c"))))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("sequence 1");
            assertThatThrownBy(() -> journal.appendAll(List.of(rec(run, 2, "b"), rec(run, 0, "c"))))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("sequence 0");
            journal.appendAll(List.of(rec(run, 1, "b"), rec(run, 2, "c")));
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(run)).extracting(r -> r.data().get("key")).containsExactly("a", "b", "c");
        }
        assertThat(Files.readAllLines(tmp.resolve("runs").resolve(run.value() + ".jsonl"))).hasSize(3);
    }

    @Test
    void eightThreadsAppendingToOneRunAllLandOnceAndReadBackInSequenceOrder() throws Exception {
        RunId run = RunId.generate(Instant.now());
        int threads = 8;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Journal journal = Journal.directory(tmp)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        journal.append(rec(run, (long) i * threads + thread, "k"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(4, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Journal reopened = Journal.directory(tmp)) {
            List<JournalRecord> records = reopened.read(run);
            assertThat(records).hasSize(threads * each);
            assertThat(Files.readAllLines(tmp.resolve("runs").resolve(run.value() + ".jsonl"))).hasSize(threads * each);
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).sequence()).isEqualTo(i);
            }
        }
    }

    @Test
    void inMemoryJournalReadsConcurrentAppendsInSequenceOrder() {
        RunId run = RunId.generate(Instant.now());
        Journal journal = Journal.inMemory();
        journal.append(rec(run, 1, "b"));
        journal.append(rec(run, 0, "a"));
        assertThat(journal.read(run)).extracting(JournalRecord::sequence).containsExactly(0L, 1L);
    }

    @Test
    void recordAllJournalsEveryValueBeforeTheStepGoesOnAndItsCompensationSeesThem() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        Path journalDir = tmp.resolve("journal");
        Step step = Step.named("capture").action(ctx -> {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("head", "abc123");
            values.put("branch", "main");
            values.put("clean", "true");
            ctx.recordAll(values);
            // durable now: a second journal reads them from the run file before the step goes on
            try (Journal other = Journal.directory(tmp.resolve("copy"))) {
                Path file = journalDir.resolve("runs").resolve(ctx.runId().value() + ".jsonl");
                Files.createDirectories(tmp.resolve("copy/runs"));
                Files.copy(file, tmp.resolve("copy/runs").resolve(file.getFileName()));
                assertThat(other.read(ctx.runId())).filteredOn(r -> r.type() == JournalRecord.Type.STEP_RECORDED)
                        .extracting(r -> r.data().get("key")).containsExactly("head", "branch", "clean");
            }
        }).compensation(ctx -> seen.putAll(ctx.recordedValues())).build();
        RunResult result;
        try (Journal journal = Journal.directory(journalDir)) {
            Runner runner = Backstep.runner().journal(journal).stateDir(tmp.resolve("state")).build();
            result = runner.run(Plan.named("p").target("t").step(step)
                    .verify(Step.verification("fails", ctx -> {
                        throw new IllegalStateException("no");
                    })).build());
        }
        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(seen).containsEntry("head", "abc123").containsEntry("branch", "main").containsEntry("clean", "true");
    }

    @Test
    void recordAllOutsideTheForwardActionIsRefused() {
        List<Throwable> failures = new ArrayList<>();
        Step step = Step.named("s").action(ctx -> ctx.record("a", "1")).compensation(ctx -> {
            try {
                ctx.recordAll(Map.of("b", "2"));
            } catch (IllegalStateException e) {
                failures.add(e);
            }
        }).build();
        Runner runner = Backstep.runner().journal(Journal.inMemory()).stateDir(tmp.resolve("state")).build();
        runner.run(Plan.named("p").target("t").step(step).verify(Step.verification("fails", ctx -> {
            throw new IllegalStateException("no");
        })).build());
        assertThat(failures).singleElement().extracting(Throwable::getMessage).asString()
                .contains("may record undo data only in its action");
    }
}
