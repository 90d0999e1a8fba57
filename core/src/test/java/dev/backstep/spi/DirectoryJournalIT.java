package dev.backstep.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryJournalIT {
    private static final String AWKWARD = "\"quoted\" back\\slash\nnew line\r\ttab \u0000\u001f é 漢字 😀 \u2028 lone \ud800 {\"json\":[1]}";
    private static final Instant T0 = Instant.parse("2026-11-22T01:45:00.123456789Z");

    @TempDir
    Path tmp;

    private final RunId run = RunId.of("20261122-014500-aaaaaa");

    private static JournalRecord rec(RunId run, long seq, JournalRecord.Type type, String step, Map<String, String> data) {
        return new JournalRecord(run, seq, T0.plusSeconds(seq), type, Optional.ofNullable(step), data);
    }

    private JournalRecord rec(long seq) {
        return rec(run, seq, JournalRecord.Type.STEP_RECORDED, "step-" + seq, Map.of("key", "k" + seq, "value", "v" + seq));
    }

    private Path runFile(Path dir, RunId id) {
        return dir.resolve("runs").resolve(id.value() + ".jsonl");
    }

    /**
     * Reading {@code run} from {@code tmp} fails as a corrupted journal at {@code line}, for a
     * reason that passes {@code reason}.
     */
    private void assertReadFailsAt(int line, Consumer<AbstractStringAssert<?>> reason) {
        assertThatThrownBy(() -> Journal.directory(tmp).read(run))
                .isInstanceOfSatisfying(JournalCorruptedException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    reason.accept(assertThat(e.reason()));
                });
    }

    @Test
    void roundTripsEveryRecordTypeWithAwkwardStrings() {
        Path dir = tmp.resolve("state");
        List<JournalRecord> written = new ArrayList<>();
        try (Journal journal = Journal.directory(dir)) {
            long seq = 0;
            for (JournalRecord.Type type : JournalRecord.Type.values()) {
                JournalRecord r = rec(run, seq, type, seq % 2 == 0 ? AWKWARD : null,
                        Map.of("key", AWKWARD, AWKWARD, "v", "empty", "", "plain", "x"));
                journal.append(r);
                written.add(r);
                seq++;
            }
            assertThat(journal.read(run)).containsExactlyElementsOf(written);
        }
        try (Journal reopened = Journal.directory(dir)) {
            assertThat(reopened.read(run)).containsExactlyElementsOf(written);
        }
    }

    @Test
    void writesOneJsonLinePerRecordWithItsFieldsAndAChecksum() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(run, 0, JournalRecord.Type.RUN_STARTED, null, Map.of("target", "shop")));
            journal.append(rec(1));
        }
        List<String> lines = Files.readAllLines(runFile(tmp, run), UTF_8);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("{\"v\":1,\"runId\":\"20261122-014500-aaaaaa\",\"seq\":0,"
                + "\"at\":\"2026-11-22T01:45:00.123456789Z\",\"type\":\"RUN_STARTED\",\"step\":null,"
                + "\"data\":{\"target\":\"shop\"},\"crc\":\"" + lines.get(0).substring(lines.get(0).length() - 10));
        assertThat(lines.get(1)).matches("\\{.*\"step\":\"step-1\",\"data\":\\{\"key\":\"k1\",\"value\":\"v1\"},"
                + "\"crc\":\"[0-9a-f]{8}\"}");
    }

    @Test
    void createsOwnerOnlyDirectoriesAndFiles() throws IOException {
        Path dir = tmp.resolve("a").resolve("state");
        try (Journal journal = Journal.directory(dir)) {
            journal.append(rec(0));
        }
        assertThat(mode(tmp.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("runs"))).isEqualTo("rwx------");
        assertThat(mode(runFile(dir, run))).isEqualTo("rw-------");
    }

    @Test
    void toleratesATornLastRecordAndAppendsAfterIt() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            for (long s = 0; s < 3; s++) {
                journal.append(rec(s));
            }
        }
        Path file = runFile(tmp, run);
        byte[] full = Files.readAllBytes(file);
        int lastLineStart = lastLineStart(full);
        // a crash in the middle of writing the third record: half of it reached the disk
        byte[] torn = Arrays.copyOf(full, lastLineStart + (full.length - lastLineStart) / 2);
        Files.write(file, torn);

        try (Journal journal = Journal.directory(tmp)) {
            assertThat(journal.read(run)).containsExactly(rec(0), rec(1));
            journal.append(rec(2));
            journal.append(rec(3));
            assertThat(journal.read(run)).containsExactly(rec(0), rec(1), rec(2), rec(3));
        }
        assertThat(Files.readAllLines(file, UTF_8)).hasSize(4);
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(run)).containsExactly(rec(0), rec(1), rec(2), rec(3));
        }
        Path evidence = tmp.resolve("runs").resolve(run.value() + ".torn");
        assertThat(Files.readString(evidence, UTF_8)).contains(new String(torn, lastLineStart, torn.length - lastLineStart, UTF_8));
        assertThat(mode(evidence)).isEqualTo("rw-------");
        assertThat(Journal.directory(tmp).runIds()).containsExactly(run);
    }

    @Test
    void toleratesACompleteLastLineThatFailsItsChecksum() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(0));
            journal.append(rec(1));
        }
        Path file = runFile(tmp, run);
        byte[] bytes = Files.readAllBytes(file);
        int i = lastLineStart(bytes) + 40;
        bytes[i] ^= 0x01;
        Files.write(file, bytes);
        try (Journal journal = Journal.directory(tmp)) {
            assertThat(journal.read(run)).containsExactly(rec(0));
            journal.append(rec(1));
            assertThat(journal.read(run)).containsExactly(rec(0), rec(1));
        }
    }

    @Test
    void toleratesAFileWhoseOnlyRecordIsTorn() throws IOException {
        Files.createDirectories(tmp.resolve("runs"));
        Files.writeString(runFile(tmp, run), "{\"v\":1,\"runId\":\"2026");
        try (Journal journal = Journal.directory(tmp)) {
            assertThat(journal.runIds()).containsExactly(run);
            assertThat(journal.read(run)).isEmpty();
            journal.append(rec(0));
            assertThat(journal.read(run)).containsExactly(rec(0));
        }
    }

    @Test
    void reportsCorruptionInTheMiddleNamingFileAndLine() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            for (long s = 0; s < 4; s++) {
                journal.append(rec(s));
            }
        }
        Path file = runFile(tmp, run);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        lines.set(1, lines.get(1).substring(0, 30)); // a torn record that is not the last one
        Files.write(file, lines, UTF_8);

        try (Journal journal = Journal.directory(tmp)) {
            assertThatThrownBy(() -> journal.read(run))
                    .isInstanceOfSatisfying(JournalCorruptedException.class, e -> {
                        assertThat(e.file()).isEqualTo(file.toAbsolutePath());
                        assertThat(e.line()).isEqualTo(2);
                        assertThat(e.reason()).isNotBlank();
                    })
                    .hasMessageContainingAll(file.toString(), "line 2");
            // nothing is appended to a damaged run either
            assertThatThrownBy(() -> journal.append(rec(4)))
                    .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("line 2");
        }
        assertThat(Files.readAllLines(file, UTF_8)).isEqualTo(lines);
    }

    @Test
    void detectsAChecksumMismatchWhenOneByteIsFlipped() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(0));
            journal.append(rec(1));
            journal.append(rec(2));
        }
        Path file = runFile(tmp, run);
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, UTF_8);
        int at = text.indexOf("\"v0\""); // the undo value of record 0, line 1
        bytes[at + 2] = '9';
        Files.write(file, bytes);

        assertReadFailsAt(1, reason -> reason.startsWith("checksum mismatch"));
    }

    @Test
    void reportsLinesThatAreNotRecordsFollowedByMoreRecords() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(0));
        }
        Path file = runFile(tmp, run);
        String good = Files.readString(file, UTF_8);
        Files.writeString(file, good + "\n" + good.replace("\"seq\":0", "\"seq\":1"), UTF_8);
        assertReadFailsAt(2, reason -> reason.isEqualTo("empty line"));

        Files.writeString(file, good + good, UTF_8);
        assertReadFailsAt(2, reason -> reason.isEqualTo("sequence 0 appears twice"));

        // a checksummed record of another run copied into this file
        RunId other = RunId.of("20261122-014500-bbbbbb");
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(other, 1, JournalRecord.Type.STEP_SUCCEEDED, "s", Map.of()));
        }
        Files.writeString(file, good + Files.readString(runFile(tmp, other), UTF_8) + good.replace("\"seq\":0", "\"seq\":2"));
        assertReadFailsAt(2, reason -> reason.contains("belongs to run '20261122-014500-bbbbbb'"));
    }

    @Test
    void appendsConcurrentlyFromManyThreads() throws Exception {
        int threads = 8;
        int perThread = 60;
        RunId shared = RunId.of("20261122-014500-cccccc");
        AtomicLong sharedSeq = new AtomicLong();
        // a small limit of open files forces eviction and reopening while appends go on
        try (Journal journal = new dev.backstep.internal.DirectoryJournal(tmp, 3)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    RunId own = RunId.of("20261122-014501-" + String.format("%06d", t));
                    futures.add(pool.submit((Callable<Void>) () -> {
                        for (int i = 0; i < perThread; i++) {
                            synchronized (sharedSeq) { // the engine assigns and appends in order
                                journal.append(rec(shared, sharedSeq.getAndIncrement(), JournalRecord.Type.STEP_RECORDED,
                                        Thread.currentThread().getName(), Map.of("i", Integer.toString(i))));
                            }
                            journal.append(rec(own, i, JournalRecord.Type.STEP_STARTED, "s", Map.of()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdown();
            }
            assertThat(journal.read(shared)).extracting(JournalRecord::sequence)
                    .containsExactlyElementsOf(LongStream.range(0, (long) threads * perThread).boxed().toList());
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.runIds()).hasSize(threads + 1);
            for (RunId id : reopened.runIds()) {
                assertThat(reopened.read(id)).hasSize(id.equals(shared) ? threads * perThread : perThread);
            }
        }
    }

    @Test
    void acceptsConcurrentAppendsThatArriveOutOfSequenceAndReadsThemInOrder() throws Exception {
        RunId shared = RunId.of("20261122-014500-dddddd");
        AtomicLong seq = new AtomicLong();
        try (Journal journal = Journal.directory(tmp)) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    futures.add(pool.submit((Callable<Void>) () -> {
                        for (int i = 0; i < 50; i++) {
                            // sequence taken without a lock: appends may land out of order
                            journal.append(rec(shared, seq.getAndIncrement(), JournalRecord.Type.STEP_SUCCEEDED, "s", Map.of()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdown();
            }
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(shared)).extracting(JournalRecord::sequence)
                    .containsExactlyElementsOf(LongStream.range(0, 300).boxed().toList());
        }
    }

    @Test
    void survivesManyRunsWithFewOpenFiles() {
        List<RunId> ids = new ArrayList<>();
        try (Journal journal = Journal.directory(tmp)) {
            for (int r = 0; r < 40; r++) { // more than the 32 files kept open
                ids.add(RunId.of("20261122-0145" + String.format("%02d", r % 60) + "-" + String.format("%06d", r)));
            }
            for (int round = 0; round < 3; round++) {
                for (RunId id : ids) {
                    journal.append(rec(id, round, JournalRecord.Type.STEP_STARTED, "s", Map.of()));
                }
            }
            for (RunId id : ids) {
                assertThat(journal.read(id)).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L);
            }
        }
    }

    @Test
    void newInstanceSeesAllRunsOldestFirst() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        RunId later = RunId.generate(now.plusSeconds(3600));
        RunId earlier = RunId.generate(now);
        RunId middle = RunId.generate(now.plusSeconds(60));
        try (Journal journal = Journal.directory(tmp)) {
            for (RunId id : List.of(later, earlier, middle)) {
                journal.append(rec(id, 0, JournalRecord.Type.RUN_STARTED, null, Map.of("target", id.value())));
                journal.append(rec(id, 1, JournalRecord.Type.RUN_FINISHED, null, Map.of("status", "SUCCEEDED")));
            }
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.runIds()).containsExactly(earlier, middle, later);
            assertThat(reopened.read(middle)).extracting(r -> r.get("target").or(() -> r.get("status")).orElseThrow())
                    .containsExactly(middle.value(), "SUCCEEDED");
            assertThat(reopened.read(RunId.of("unknown-run"))).isEmpty();
        }
    }

    @Test
    void oneJournalAppendsToARunAtATimeUntilTheRunFinishes() {
        try (Journal first = Journal.directory(tmp); Journal second = Journal.directory(tmp)) {
            first.append(rec(run, 0, JournalRecord.Type.RUN_STARTED, null, Map.of()));
            assertThatThrownBy(() -> second.append(rec(1)))
                    .isInstanceOf(BackstepException.class)
                    .hasMessageContaining("is being appended to by another journal");
            assertThat(second.read(run)).hasSize(1); // reading is always fine

            first.append(rec(run, 1, JournalRecord.Type.RUN_FINISHED, null, Map.of("status", "SUCCEEDED")));
            second.append(rec(run, 2, JournalRecord.Type.RUN_MARKED_GOOD, null, Map.of()));
            assertThat(first.read(run)).extracting(JournalRecord::type).containsExactly(
                    JournalRecord.Type.RUN_STARTED, JournalRecord.Type.RUN_FINISHED, JournalRecord.Type.RUN_MARKED_GOOD);
        }
    }

    @Test
    void anotherProcessCannotAppendToARunThisProcessIsAppendingTo() throws Exception {
        try (Journal first = Journal.directory(tmp); Journal reader = Journal.directory(tmp)) {
            first.append(rec(run, 0, JournalRecord.Type.RUN_STARTED, null, Map.of()));
            // reads in this process must not drop the OS lock of the appending journal
            assertThat(first.read(run)).hasSize(1);
            assertThat(reader.read(run)).hasSize(1);

            assertThat(appendFromChildProcess(1)).startsWith("REFUSED ").contains("being appended to by another process");

            first.append(rec(run, 1, JournalRecord.Type.RUN_FINISHED, null, Map.of()));
            assertThat(appendFromChildProcess(2)).isEqualTo("APPENDED");
            assertThat(reader.read(run)).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L);
        }
    }

    private String appendFromChildProcess(long seq) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                JournalAppenderMain.class.getName(), tmp.toString(), run.value(), Long.toString(seq))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8).trim();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("child JVM exited").isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    @Test
    void rejectsDuplicateAndNegativeSequencesBeforeWriting() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(0));
            journal.append(rec(1));
            assertThatThrownBy(() -> journal.append(rec(1)))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("sequence 1 was already appended");
            assertThatThrownBy(() -> journal.append(rec(-1)))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("must not be negative");
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThatThrownBy(() -> reopened.append(rec(0)))
                    .isInstanceOf(BackstepException.class).hasMessageContaining("sequence 0 was already appended");
            assertThat(reopened.read(run)).containsExactly(rec(0), rec(1));
        }
    }

    @Test
    void refusesAppendsAfterClose() {
        Journal journal = Journal.directory(tmp);
        journal.append(rec(0));
        journal.close();
        assertThatThrownBy(() -> journal.append(rec(1)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("is closed");
        assertThat(journal.read(run)).containsExactly(rec(0));
    }

    @Test
    void refusesADirectoryPathThatIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("state"), "not a directory");
        assertThatThrownBy(() -> Journal.directory(file))
                .isInstanceOf(BackstepException.class)
                .hasMessageContainingAll(file.toString(), "is not a directory");
        assertThatThrownBy(() -> Journal.directory(file.resolve("below")))
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("is not a directory");
        assertThat(Files.readString(file)).isEqualTo("not a directory");
    }

    @Test
    void ignoresFilesThatAreNotRuns() throws IOException {
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(rec(0));
            Files.writeString(tmp.resolve("runs").resolve("notes.txt"), "x", StandardOpenOption.CREATE_NEW);
            Files.writeString(tmp.resolve("runs").resolve(".hidden.jsonl"), "x", StandardOpenOption.CREATE_NEW);
            assertThat(journal.runIds()).containsExactly(run);
        }
    }

    private static int lastLineStart(byte[] bytes) {
        int end = bytes.length - 1; // skip the final newline
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return end;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
