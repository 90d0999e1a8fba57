package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index of the directory journal ({@link JournalIndex}): lookups read only the runs of the
 * target asked about, and a missing, damaged, stale or hand-edited index never makes a rollback,
 * a history or a recovery wrong.
 */
class JournalIndexTest {
    @TempDir
    Path tmp;

    private final List<String> undone = new CopyOnWriteArrayList<>();

    /** Every plan made, given to every runner: a rollback in a new runner finds its compensation. */
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();

    private Plan plan(String target, String name) {
        return plans.computeIfAbsent(name, n -> Plan.named("deploy " + n).target(target)
                .step(Step.named(n).action(ctx -> ctx.record("v", n))
                        .compensation(ctx -> undone.add(n)).build())
                .build());
    }

    private Runner runner(Journal journal) {
        Runner.Builder b = Backstep.runner().journal(journal).stateDir(tmp.resolve("state"));
        plans.values().forEach(b::plan);
        return b.build();
    }

    private RunId deploy(Runner runner, String target, String name) {
        RunResult r = runner.run(plan(target, name));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        return r.runId();
    }

    /** Counts the runs the runner reads through it. */
    private static final class Counting extends ForwardingJournal {
        final Map<RunId, Integer> reads = new ConcurrentHashMap<>();

        Counting(Journal journal) {
            super(journal);
        }

        @Override
        public List<JournalRecord> read(RunId runId) {
            reads.merge(runId, 1, Integer::sum);
            return super.read(runId);
        }

        @Override
        public List<RunId> runsOf(String target) {
            return delegate().runsOf(target);
        }

        @Override
        public List<RunId> unfinishedRuns() {
            return delegate().unfinishedRuns();
        }
    }

    @Test
    void rollbackHistoryLastGoodAndRecoverReadNoRunOfAnotherTarget() {
        Path dir = tmp.resolve("journal");
        Counting journal = new Counting(new DirectoryJournal(dir));
        Runner runner = runner(journal);
        List<RunId> others = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(deploy(runner, "other@prod", "o" + i));
        }
        RunId first = deploy(runner, "shop@prod", "a");
        runner.markGood(first);
        RunId second = deploy(runner, "shop@prod", "b");
        journal.reads.clear();

        assertThat(runner.history("shop@prod")).extracting(RunSummary::runId).containsExactly(first, second);
        assertThat(runner.lastGood("shop@prod")).map(RunSummary::runId).contains(first);
        assertThat(runner.rollback(second).status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(runner.recover().recovered()).isEmpty();

        assertThat(undone).containsExactly("b");
        assertThat(journal.reads.keySet()).as("runs read").containsOnly(first, second);
    }

    @Test
    void aJournalOpenedOnASoundIndexReadsNoRunFileToAnswer() {
        Path dir = tmp.resolve("journal");
        try (Journal journal = Journal.directory(dir)) {
            Runner runner = runner(journal);
            deploy(runner, "other@prod", "o");
            deploy(runner, "shop@prod", "a");
            assertThat(journal.runsOf("shop@prod")).hasSize(1); // builds and writes the index
        }
        DirectoryJournal again = new DirectoryJournal(dir);
        Counting counting = new Counting(again);
        assertThat(runner(counting).history("shop@prod")).hasSize(1);
        assertThat(again.index().rewrites()).as("index written back").isZero();
        assertThat(again.index().scans()).as("run files read by the index").isZero();
    }

    @Test
    void lookupsOnASoundIndexWriteNothingEvenWithARunThatIsStillGoing() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId going = RunId.generate(Instant.now());
        try (Journal journal = Journal.directory(dir)) {
            deploy(runner(journal), "shop@prod", "a");
            // a run whose process is still going (or died): its entry says "read me again"
            journal.append(new JournalRecord(going, 0, Instant.now(), JournalRecord.Type.RUN_STARTED, Optional.empty(),
                    Map.of("plan", "deploy b", "target", "shop@prod", "steps", "0")));
        }
        Path index = dir.resolve(JournalIndex.FILE);
        byte[] before = Files.readAllBytes(index);
        Object inode = Files.getAttribute(index, "unix:ino");

        DirectoryJournal again = new DirectoryJournal(dir);
        assertThat(again.runsOf("shop@prod")).hasSize(2);
        assertThat(again.unfinishedRuns()).containsExactly(going);
        assertThat(runner(again).history("shop@prod")).hasSize(2);

        assertThat(again.index().rewrites()).isZero();
        assertThat(Files.readAllBytes(index)).isEqualTo(before);
        assertThat(Files.getAttribute(index, "unix:ino")).isEqualTo(inode);
    }

    @Test
    void theIndexIsAnOwnerOnlyRegularFileBesideTheRunFiles() throws Exception {
        Path dir = tmp.resolve("journal");
        try (Journal journal = Journal.directory(dir)) {
            deploy(runner(journal), "shop@prod", "a");
            journal.runsOf("shop@prod");
        }
        Path index = dir.resolve(JournalIndex.FILE);
        assertThat(index).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(index, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(JournalIndex.LOCK),
                LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
    }

    /** Two runs of shop: the first cannot be rolled back while the second is applied. */
    private RunId[] twoRunsThenClose(Path dir) {
        try (Journal journal = Journal.directory(dir)) {
            Runner runner = runner(journal);
            RunId first = deploy(runner, "shop@prod", "a");
            RunId second = deploy(runner, "shop@prod", "b");
            deploy(runner, "other@prod", "o");
            assertThat(journal.runsOf("shop@prod")).containsExactlyInAnyOrder(first, second);
            return new RunId[] {first, second};
        }
    }

    private void assertRollbackOfFirstRefusedBecauseOfSecond(Path dir, RunId first, RunId second) {
        try (Journal journal = Journal.directory(dir)) {
            assertThatThrownBy(() -> runner(journal).rollback(first)).isInstanceOf(RollbackRefusedException.class)
                    .hasMessageContaining(second.value());
            assertThat(runner(journal).history("shop@prod")).extracting(RunSummary::runId).containsExactly(first, second);
            assertThat(undone).isEmpty();
        }
    }

    @Test
    void aDeletedIndexIsRebuiltFromTheRunFiles() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] runs = twoRunsThenClose(dir);
        Files.delete(dir.resolve(JournalIndex.FILE));

        assertRollbackOfFirstRefusedBecauseOfSecond(dir, runs[0], runs[1]);
        assertThat(dir.resolve(JournalIndex.FILE)).as("rebuilt").isRegularFile();
    }

    @Test
    void aHandEditedIndexLineFailsItsChecksumAndTheIndexIsRebuilt() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] runs = twoRunsThenClose(dir);
        Path index = dir.resolve(JournalIndex.FILE);
        String text = Files.readString(index);
        // move the second run to another target by hand, checksum left as it was
        String edited = text.lines().map(l -> l.contains(runs[1].value()) ? l.replace("=shop%40prod", "=other%40prod") : l)
                .reduce("", (a, l) -> a + l + "\n");
        assertThat(edited).isNotEqualTo(text);
        Files.writeString(index, edited);

        assertRollbackOfFirstRefusedBecauseOfSecond(dir, runs[0], runs[1]);
        assertThat(Files.readString(index)).as("rebuilt").isNotEqualTo(edited);
    }

    @Test
    void aRunFileTheIndexDoesNotKnowIsFoundWhenTheJournalOpens() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] runs = twoRunsThenClose(dir);
        // an index written before the second run existed (or a run file copied in by hand)
        Path index = dir.resolve(JournalIndex.FILE);
        String text = Files.readString(index);
        Files.writeString(index, text.lines().filter(l -> !l.contains(runs[1].value()))
                .reduce("", (a, l) -> a + l + "\n"));

        assertRollbackOfFirstRefusedBecauseOfSecond(dir, runs[0], runs[1]);
    }

    @Test
    void aRunFileLongerThanIndexedIsReadAgainSoRecoverFindsARollbackThatDidNotFinish() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId run;
        Path index = dir.resolve(JournalIndex.FILE);
        Path saved = tmp.resolve("index-before");
        plan("shop@prod", "a");
        try (Journal journal = Journal.directory(dir)) {
            run = deploy(runner(journal), "shop@prod", "a");
            assertThat(journal.unfinishedRuns()).isEmpty();
            Files.copy(index, saved);
            // a rollback of the run starts, and its process dies
            long next = journal.read(run).size();
            journal.append(new JournalRecord(run, next, Instant.now(), JournalRecord.Type.ROLLBACK_STARTED,
                    Optional.empty(), Map.of("reason", "test")));
        }
        // the index lines written since were lost (a power failure): the index says the run finished
        Files.copy(saved, index, StandardCopyOption.REPLACE_EXISTING);

        try (Journal journal = Journal.directory(dir)) {
            Recovery recovery = runner(journal).recover();
            assertThat(recovery.recovered()).extracting(RunResult::runId).containsExactly(run);
            assertThat(undone).containsExactly("a");
        }
    }

    @Test
    void aMissingRunFileIsDroppedFromTheIndex() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] runs = twoRunsThenClose(dir);
        Files.delete(dir.resolve("runs").resolve(runs[1].value() + ".jsonl"));

        try (Journal journal = Journal.directory(dir)) {
            assertThat(journal.runsOf("shop@prod")).containsExactly(runs[0]);
            assertThat(runner(journal).rollback(runs[0]).status()).isEqualTo(RunStatus.ROLLED_BACK);
        }
        assertThat(Files.readString(dir.resolve(JournalIndex.FILE))).doesNotContain(runs[1].value());
    }

    @Test
    void aSymbolicLinkInPlaceOfTheIndexIsNeverFollowedAndTheIndexIsRebuilt() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] runs = twoRunsThenClose(dir);
        Path index = dir.resolve(JournalIndex.FILE);
        Path elsewhere = tmp.resolve("elsewhere");
        Files.writeString(elsewhere, "not the journal's\n");
        Files.delete(index);
        Files.createSymbolicLink(index, elsewhere);

        assertRollbackOfFirstRefusedBecauseOfSecond(dir, runs[0], runs[1]);
        assertThat(Files.readString(elsewhere)).isEqualTo("not the journal's\n");
        assertThat(Files.isSymbolicLink(index)).isFalse();
        assertThat(index).isRegularFile();
    }

    @Test
    void aRunStartedThroughAnotherJournalOnTheDirectoryIsSeenByTheNextLookup() {
        Path dir = tmp.resolve("journal");
        plan("shop@prod", "a");
        plan("shop@prod", "b");
        try (Journal one = Journal.directory(dir); Journal two = Journal.directory(dir)) {
            RunId first = deploy(runner(one), "shop@prod", "a");
            assertThat(one.runsOf("shop@prod")).containsExactly(first); // index loaded by one
            RunId second = deploy(runner(two), "shop@prod", "b");

            assertThat(one.runsOf("shop@prod")).containsExactlyInAnyOrder(first, second);
            assertThatThrownBy(() -> runner(one).rollback(first)).isInstanceOf(RollbackRefusedException.class);
            assertThat(runner(two).rollback(second).status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(one.unfinishedRuns()).isEmpty();
            assertThat(runner(one).rollback(first).status()).isEqualTo(RunStatus.ROLLED_BACK);
        }
        assertThat(undone).containsExactly("b", "a");
    }

    @Test
    void aDamagedRunFileIsNamedForEveryTargetOnceALookupOfItsTargetFindsItAndReportedByRecover() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] runs = twoRunsThenClose(dir);
        Path file = dir.resolve("runs").resolve(runs[1].value() + ".jsonl");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.replaceFirst("\"deploy b\"", "\"deploy c\""));

        try (Journal journal = Journal.directory(dir)) {
            // the damaged run may be a later run of shop: rollback of the first is not done blindly
            assertThat(Set.copyOf(journal.runsOf("shop@prod"))).containsExactlyInAnyOrder(runs[0], runs[1]);
            assertThat(journal.runsOf("anything")).contains(runs[1]);
            Recovery recovery = runner(journal).recover();
            assertThat(recovery.unrecoverable()).extracting(Recovery.Unrecoverable::runId).containsExactly(runs[1]);
        }
        // and for a journal opened afterwards: the index says so
        try (Journal journal = Journal.directory(dir)) {
            assertThat(journal.runsOf("anything")).contains(runs[1]);
            assertThat(runner(journal).recover().unrecoverable()).extracting(Recovery.Unrecoverable::runId)
                    .containsExactly(runs[1]);
        }
    }

    // ---------------------------------------------------------------- a journal opened afresh

    /**
     * {@code n} finished one-step runs of {@code other@prod}, written straight into {@code dir}
     * (no index line: as a writer that does not keep the index would), in the journal's line
     * format: a run the journal wrote in a scratch directory, run id replaced, checksums again.
     */
    private List<RunId> writeRunFilesDirectly(Path dir, int n) throws Exception {
        Path scratch = tmp.resolve("scratch-" + System.nanoTime());
        RunId template;
        try (Journal journal = Journal.directory(scratch)) {
            template = deploy(runner(journal), "other@prod", "o-template");
        }
        List<String> lines = Files.readAllLines(scratch.resolve("runs").resolve(template.value() + ".jsonl"));
        Files.createDirectories(dir.resolve("runs"));
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        List<RunId> ids = java.util.stream.IntStream.range(0, n).mapToObj(i -> RunId.generate(base.plusMillis(i)))
                .toList();
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(4);
        try {
            pool.submit(() -> ids.parallelStream().forEach(id -> {
                StringBuilder file = new StringBuilder();
                for (String line : lines) {
                    int crcAt = line.lastIndexOf(",\"crc\":\"");
                    String canonical = (line.substring(0, crcAt) + "}").replace(template.value(), id.value());
                    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                    byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
                    crc.update(bytes, 0, bytes.length);
                    file.append(canonical, 0, canonical.length() - 1)
                            .append(String.format(",\"crc\":\"%08x\"}", crc.getValue())).append('\n');
                }
                try {
                    Files.writeString(dir.resolve("runs").resolve(id.value() + ".jsonl"), file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).get(5, java.util.concurrent.TimeUnit.MINUTES);
        } finally {
            pool.shutdown();
        }
        return ids;
    }

    /** Other runs, then two of shop; the index built and closed. */
    private RunId[] manyOtherRunsThenTwoOfShop(Path dir, int others) throws Exception {
        writeRunFilesDirectly(dir, others);
        try (Journal journal = Journal.directory(dir)) {
            Runner runner = runner(journal);
            RunId first = deploy(runner, "shop@prod", "a");
            RunId second = deploy(runner, "shop@prod", "b");
            assertThat(journal.runsOf("shop@prod")).containsExactlyInAnyOrder(first, second);
            return new RunId[] {first, second};
        }
    }

    @Test
    void aJournalOpenedOverTwentyThousandRunsStatsOnlyTheRunsOfTheTargetItIsAskedAbout() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] shop = manyOtherRunsThenTwoOfShop(dir, 20_000);

        DirectoryJournal again = new DirectoryJournal(dir);
        Runner runner = runner(again);
        assertThat(runner.history("shop@prod")).extracting(RunSummary::runId).containsExactly(shop[0], shop[1]);
        assertThat(runner.lastGood("shop@prod")).isEmpty();
        assertThat(runner.rollback(shop[1]).status()).isEqualTo(RunStatus.ROLLED_BACK);

        assertThat(again.index().runFileAccesses()).as("run files stat-ed or read by the index").isLessThanOrEqualTo(10);
        assertThat(again.index().listings()).as("listings of runs/").isZero();
        assertThat(again.index().rewrites()).isZero();
        assertThat(undone).containsExactly("b");
        // the first recover() of a journal still compares every run file with its entry (bit rot)
        assertThat(runner.recover().recovered()).isEmpty();
        assertThat(again.index().scans()).as("run files read").isZero();
    }

    @Test
    void aRunFileCreatedByAWriterThatDoesNotKeepTheIndexIsSeenByAJournalOpenedAfterwards() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] shop = manyOtherRunsThenTwoOfShop(dir, 200);
        // an older Backstep (or a copy by hand) adds a later run of shop: its file only
        Path scratch = tmp.resolve("old-writer");
        Files.createDirectories(scratch.resolve("runs"));
        try (var files = Files.list(dir.resolve("runs"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, scratch.resolve("runs").resolve(f.getFileName()));
            }
        }
        RunId later;
        try (Journal old = Journal.directory(scratch)) {
            later = deploy(runner(old), "shop@prod", "c");
        }
        Files.copy(scratch.resolve("runs").resolve(later.value() + ".jsonl"),
                dir.resolve("runs").resolve(later.value() + ".jsonl"));

        DirectoryJournal again = new DirectoryJournal(dir);
        assertThatThrownBy(() -> runner(again).rollback(shop[1])).isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining(later.value());
        assertThat(runner(again).history("shop@prod")).extracting(RunSummary::runId)
                .containsExactly(shop[0], shop[1], later);
        assertThat(again.index().listings()).as("runs/ changed: listed once").isEqualTo(1);
        assertThat(again.index().runFileAccesses()).as("the new file and the runs of shop, not the 200 others")
                .isLessThanOrEqualTo(10);
        assertThat(undone).isEmpty();
    }

    @Test
    void aRollbackStartedByAnotherProcessAfterThisJournalOpenedIsSeenByItsNextLookupAndByRecover() throws Exception {
        Path dir = tmp.resolve("journal");
        RunId[] shop = manyOtherRunsThenTwoOfShop(dir, 200);
        DirectoryJournal mine = new DirectoryJournal(dir);
        assertThat(runner(mine).history("shop@prod")).hasSize(2); // the index loaded by this journal

        // another process starts rolling back the second run and dies
        try (Journal other = Journal.directory(dir)) {
            long next = other.read(shop[1]).size();
            other.append(new JournalRecord(shop[1], next, Instant.now(), JournalRecord.Type.ROLLBACK_STARTED,
                    Optional.empty(), Map.of("reason", "test")));
        }

        assertThatThrownBy(() -> runner(mine).rollback(shop[0])).isInstanceOf(RollbackRefusedException.class);
        assertThat(mine.index().runFileAccesses()).as("not the 200 other runs").isLessThanOrEqualTo(10);
        assertThat(mine.unfinishedRuns()).containsExactly(shop[1]);
        assertThat(runner(mine).recover().recovered()).extracting(RunResult::runId).containsExactly(shop[1]);
        assertThat(undone).containsExactly("b");
    }
}
