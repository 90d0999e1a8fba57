package dev.backstep.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.JournalCorruptedException;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.UnsupportedJournalVersionException;
import dev.backstep.files.ConfigFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal files that pass their checksum but cannot be replayed without guessing, records of a
 * newer format, run files that are symbolic links: each is refused with the file and line, for
 * its run alone, and nothing changes.
 */
class MalformedJournalTest {
    @TempDir
    Path tmp;
    private Path state;
    private Path journalDir;

    /** A run of one {@code ConfigFile.replace} and the file it replaced ("old n" before, "new n" after). */
    private record Deployed(RunId id, Path config, int n) {
        String old() {
            return "old " + n + "\n";
        }
    }

    @BeforeEach
    void dirs() {
        state = tmp.resolve("state");
        journalDir = tmp.resolve("journal");
    }

    private Runner runner(Journal journal) {
        return Backstep.runner().journal(journal).stateDir(state)
                .registry(StepRegistry.custom().registerAll(ConfigFile.compensations()).build()).build();
    }

    private Deployed deploy(int n, Journal journal) throws IOException {
        Path config = Files.writeString(tmp.resolve("app" + n + ".conf"), "old " + n + "\n");
        RunResult done = runner(journal).run(Plan.named("deploy " + n).target("app" + n)
                .step(ConfigFile.replace(config, "new " + n + "\n")).build());
        assertThat(done.status()).isEqualTo(RunStatus.SUCCEEDED);
        return new Deployed(done.runId(), config, n);
    }

    /** A finished run in the directory journal. */
    private Deployed finished(int n) throws IOException {
        try (Journal disk = Journal.directory(journalDir)) {
            return deploy(n, disk);
        }
    }

    /** A run whose process died after the replace: every record but RUN_FINISHED is on disk. */
    private Deployed crashed(int n) throws IOException {
        Journal full = Journal.inMemory();
        Deployed d = deploy(n, full);
        List<JournalRecord> records = full.read(d.id());
        try (Journal disk = Journal.directory(journalDir)) {
            records.subList(0, records.size() - 1).forEach(disk::append);
        }
        return d;
    }

    private Path fileOf(RunId id) {
        return journalDir.resolve("runs").resolve(id.value() + ".jsonl");
    }

    /**
     * Edits the first line holding {@code "type":"<type>"} as a person with an editor would,
     * and recomputes its checksum so that the line passes it. Returns the line number (from 1).
     */
    static long edit(Path file, String type, String from, String to) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"type\":\"" + type + "\"")) {
                String line = lines.get(i);
                assertThat(line).contains(from);
                lines.set(i, withChecksum(line.substring(0, line.length() - 18).replace(from, to)));
                Files.writeString(file, String.join("\n", lines) + "\n", UTF_8);
                return i + 1;
            }
        }
        throw new AssertionError("no " + type + " line in " + file);
    }

    /** {@code body} (a record without its closing brace) with the crc member the journal computes. */
    static String withChecksum(String body) {
        CRC32C crc = new CRC32C();
        byte[] canonical = (body + "}").getBytes(UTF_8);
        crc.update(canonical, 0, canonical.length);
        return body + ",\"crc\":\"" + String.format("%08x", crc.getValue()) + "\"}";
    }

    private Map<Path, String> snapshot(Path... roots) {
        Map<Path, String> out = new TreeMap<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                // the journal's index (runs.index) is derived from the run files and rewritten when they change
                files.filter(f -> Files.isRegularFile(f) || Files.isSymbolicLink(f))
                        .filter(f -> !f.getFileName().toString().startsWith("runs.index")).forEach(f -> {
                    try {
                        out.put(f, Files.isSymbolicLink(f) ? "-> " + Files.readSymbolicLink(f)
                                : new String(Files.readAllBytes(f), UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    // ------------------------------------------------------------ replay never guesses

    @Test
    void recoverReportsTheHandEditedRunAndStillRecoversTheThreeOthers() throws IOException {
        List<Deployed> runs = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            runs.add(crashed(n));
        }
        runs.sort(Comparator.comparing(Deployed::id));
        Deployed edited = runs.get(1); // recovery reaches it after rolling back another run
        long line = edit(fileOf(edited.id()), "STEP_STARTED", "\"kind\":\"COMPENSATABLE\"", "\"kind\":\"SIDEWAYS\"");
        byte[] editedBytes = Files.readAllBytes(fileOf(edited.id()));

        Recovery recovery;
        try (Journal journal = Journal.directory(journalDir)) {
            recovery = runner(journal).recover();
        }

        List<Deployed> good = List.of(runs.get(0), runs.get(2), runs.get(3));
        assertThat(recovery.recovered()).extracting(RunResult::runId)
                .containsExactlyElementsOf(good.stream().map(Deployed::id).toList());
        assertThat(recovery.recovered()).extracting(RunResult::status).containsOnly(RunStatus.ROLLED_BACK);
        for (Deployed d : good) {
            assertThat(Files.readString(d.config())).isEqualTo(d.old());
        }
        assertThat(recovery.unrecoverable()).singleElement().satisfies(u -> {
            assertThat(u.runId()).isEqualTo(edited.id());
            assertThat(u.reason()).contains(fileOf(edited.id()).toString(), "line " + line,
                    "unknown kind 'SIDEWAYS'");
        });
        assertThat(Files.readString(edited.config())).isEqualTo("new " + edited.n() + "\n");
        assertThat(Files.readAllBytes(fileOf(edited.id()))).isEqualTo(editedBytes);
    }

    @Test
    void anUnknownRunStatusIsCorruptionNamingFileAndLine() throws IOException {
        assertRefusedWithFileAndLine(finished(1), "RUN_FINISHED", "\"status\":\"SUCCEEDED\"",
                "\"status\":\"DONE\"", "unknown status 'DONE'");
    }

    @Test
    void aMissingRunStatusIsNotTakenForAnInterruptedRun() throws IOException {
        assertRefusedWithFileAndLine(finished(1), "RUN_FINISHED", "\"status\":\"SUCCEEDED\"", "",
                "RUN_FINISHED has no 'status'");
    }

    @Test
    void aMissingStepNameIsCorruptionNamingFileAndLine() throws IOException {
        Deployed d = finished(1);
        String step = "\"step\":\"" + ConfigFile.replace(d.config(), "x").name() + "\"";
        assertRefusedWithFileAndLine(d, "STEP_SUCCEEDED", step, "\"step\":null", "STEP_SUCCEEDED has no step name");
    }

    @Test
    void aMissingPlanNameIsNotReplacedByAQuestionMark() throws IOException {
        assertRefusedWithFileAndLine(finished(1), "RUN_STARTED", "\"plan\":\"deploy 1\",", "",
                "RUN_STARTED has no 'plan'");
    }

    @Test
    void undoDataWithoutAKeyIsCorruptionNamingFileAndLine() throws IOException {
        assertRefusedWithFileAndLine(finished(1), "STEP_RECORDED", "\"key\":", "\"kee\":",
                "STEP_RECORDED has no 'key'");
    }

    private void assertRefusedWithFileAndLine(Deployed d, String type, String from, String to, String reason)
            throws IOException {
        Path file = fileOf(d.id());
        long line = edit(file, type, from, to);
        Map<Path, String> before = snapshot(journalDir, d.config());
        try (Journal journal = Journal.directory(journalDir)) {
            assertThatThrownBy(() -> runner(journal).rollback(d.id()))
                    .isInstanceOf(JournalCorruptedException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("line " + line)
                    .satisfies(e -> {
                        JournalCorruptedException c = (JournalCorruptedException) e;
                        assertThat(c.file()).isEqualTo(file);
                        assertThat(c.line()).isEqualTo(line);
                        assertThat(c.reason()).contains(reason);
                    });
            assertThat(journal.verify()).singleElement().satisfies(damage -> {
                assertThat(damage.runId()).isEqualTo(d.id());
                assertThat(damage.file()).isEqualTo(file);
                assertThat(damage.line()).isEqualTo(line);
            });
        }
        assertThat(Files.readString(d.config())).isEqualTo("new " + d.n() + "\n");
        assertThat(snapshot(journalDir, d.config())).isEqualTo(before);
    }

    // ------------------------------------------------------------ newer format version

    @Test
    void aCompleteRecordOfANewerFormatAppendedLastIsRefusedAndTheFileStaysByteIdentical() throws IOException {
        Deployed d = finished(1);
        Path file = fileOf(d.id());
        List<String> lines = Files.readAllLines(file, UTF_8);
        String last = lines.get(lines.size() - 1);
        String newer = withChecksum(last.substring(0, last.length() - 18).replace("\"v\":1,", "\"v\":2,")
                .replace("\"seq\":" + (lines.size() - 1) + ",", "\"seq\":" + lines.size() + ","));
        Files.writeString(file, newer + "\n", UTF_8, java.nio.file.StandardOpenOption.APPEND);
        long line = lines.size() + 1;
        assertNewerVersionRefused(d, file, line);
    }

    @Test
    void aNewerRecordIsRefusedEvenWhenItsChecksumIsComputedAnotherWay() throws IOException {
        Deployed d = finished(1);
        Path file = fileOf(d.id());
        long line = Files.readAllLines(file, UTF_8).size() + 1;
        Files.writeString(file, "{\"v\":3,\"runId\":\"" + d.id() + "\",\"seq\":99,\"type\":\"RUN_PAUSED\","
                + "\"sig\":\"sha256:00ff\"}\n", UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> {
            try (Journal journal = Journal.directory(journalDir)) {
                journal.read(d.id());
            }
        }).isInstanceOf(UnsupportedJournalVersionException.class).hasMessageContaining("version 3");
        assertNewerVersionRefused(d, file, line);
    }

    private void assertNewerVersionRefused(Deployed d, Path file, long line) throws IOException {
        Map<Path, String> before = snapshot(journalDir, d.config());
        try (Journal journal = Journal.directory(journalDir)) {
            assertThatThrownBy(() -> journal.read(d.id()))
                    .isInstanceOf(UnsupportedJournalVersionException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("line " + line)
                    .hasMessageContaining("newer than version 1")
                    .satisfies(e -> assertThat(((UnsupportedJournalVersionException) e).line()).isEqualTo(line));
            assertThatThrownBy(() -> journal.append(new JournalRecord(d.id(), 50, Instant.now(),
                    JournalRecord.Type.RUN_MARKED_GOOD, Optional.empty(), Map.of())))
                    .isInstanceOf(UnsupportedJournalVersionException.class);
            Runner runner = runner(journal);
            assertThatThrownBy(() -> runner.markGood(d.id())).isInstanceOf(UnsupportedJournalVersionException.class);
            assertThatThrownBy(() -> runner.rollback(d.id())).isInstanceOf(UnsupportedJournalVersionException.class);
            assertThat(runner.recover().unrecoverable()).extracting(Recovery.Unrecoverable::runId)
                    .containsExactly(d.id());
        }
        assertThat(snapshot(journalDir, d.config())).isEqualTo(before);
        assertThat(journalDir.resolve("runs").resolve(d.id().value() + ".torn")).doesNotExist();
    }

    // ------------------------------------------------------------ symbolic links

    @Test
    void aRunFileThatIsASymlinkIsNeitherReadNorAppendedTo() throws IOException {
        Deployed d = finished(1);
        Path outside = Files.createDirectories(tmp.resolve("elsewhere")).resolve("planted.jsonl");
        Files.move(fileOf(d.id()), outside);
        Files.createSymbolicLink(fileOf(d.id()), outside);
        Map<Path, String> before = snapshot(journalDir, outside, d.config());

        try (Journal journal = Journal.directory(journalDir)) {
            assertThatThrownBy(() -> journal.read(d.id())).isInstanceOf(JournalCorruptedException.class)
                    .hasMessageContaining(fileOf(d.id()).toString()).hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> journal.append(new JournalRecord(d.id(), 50, Instant.now(),
                    JournalRecord.Type.RUN_MARKED_GOOD, Optional.empty(), Map.of())))
                    .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("symbolic link");
            Runner runner = runner(journal);
            assertThatThrownBy(() -> runner.rollback(d.id())).isInstanceOf(JournalCorruptedException.class);
            assertThatThrownBy(() -> runner.markGood(d.id())).isInstanceOf(JournalCorruptedException.class);
            assertThat(journal.verify()).extracting(Journal.Damage::runId).containsExactly(d.id());
        }
        assertThat(snapshot(journalDir, outside, d.config())).isEqualTo(before);
    }

    @Test
    void aNewRunIsNotAppendedThroughADanglingSymlink() throws IOException {
        RunId id = RunId.of("20261122-014500-aaaaaa");
        Files.createDirectories(journalDir.resolve("runs"));
        Path target = tmp.resolve("elsewhere.jsonl");
        Files.createSymbolicLink(fileOf(id), target);
        try (Journal journal = Journal.directory(journalDir)) {
            assertThatThrownBy(() -> journal.append(new JournalRecord(id, 0, Instant.now(),
                    JournalRecord.Type.RUN_STARTED, Optional.empty(), Map.of("plan", "p", "target", "t"))))
                    .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("symbolic link");
        }
        assertThat(target).doesNotExist();
    }

    @Test
    void recoverReportsASymlinkedRunAndRecoversTheOthers() throws IOException {
        Deployed linked = crashed(1);
        Deployed plain = crashed(2);
        Path outside = tmp.resolve("planted.jsonl");
        Files.move(fileOf(linked.id()), outside);
        Files.createSymbolicLink(fileOf(linked.id()), outside);
        byte[] outsideBytes = Files.readAllBytes(outside);

        Recovery recovery;
        try (Journal journal = Journal.directory(journalDir)) {
            recovery = runner(journal).recover();
        }
        assertThat(recovery.recovered()).extracting(RunResult::runId).containsExactly(plain.id());
        assertThat(Files.readString(plain.config())).isEqualTo(plain.old());
        assertThat(recovery.unrecoverable()).extracting(Recovery.Unrecoverable::runId).containsExactly(linked.id());
        assertThat(Files.readString(linked.config())).isEqualTo("new 1\n");
        assertThat(Files.readAllBytes(outside)).isEqualTo(outsideBytes);
    }

    // ------------------------------------------------------------ Journal.verify()

    @Test
    void verifyListsEveryDamagedRunWithFileAndLineAndChangesNothing() throws IOException {
        Deployed sound = finished(1);
        Deployed crashedSound = crashed(2);
        Deployed badChecksum = finished(3);
        Deployed malformed = finished(4);
        Deployed newer = finished(5);
        Deployed torn = finished(6);

        Path f3 = fileOf(badChecksum.id());
        List<String> lines = new ArrayList<>(Files.readAllLines(f3, UTF_8));
        lines.set(1, lines.get(1).replace("\"attempt\":\"1\"", "\"attempt\":\"2\"")); // checksum not recomputed
        Files.writeString(f3, String.join("\n", lines) + "\n", UTF_8);
        long malformedLine = edit(fileOf(malformed.id()), "RUN_FINISHED", "SUCCEEDED", "MOSTLY_FINE");
        Path f5 = fileOf(newer.id());
        long newerLine = Files.readAllLines(f5, UTF_8).size() + 1;
        Files.writeString(f5, withChecksum("{\"v\":2,\"runId\":\"" + newer.id() + "\",\"seq\":7") + "\n", UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(fileOf(torn.id()), "{\"v\":1,\"runId\":\"" + torn.id() + "\",\"se", UTF_8,
                java.nio.file.StandardOpenOption.APPEND); // a crash during an append: tolerated, not damage

        Map<Path, String> before = snapshot(tmp);
        List<Journal.Damage> damages;
        try (Journal journal = Journal.directory(journalDir)) {
            damages = journal.verify();
        }
        assertThat(damages).extracting(Journal.Damage::runId)
                .containsExactlyInAnyOrder(badChecksum.id(), malformed.id(), newer.id());
        assertThat(damages).allSatisfy(d -> assertThat(d.file()).isEqualTo(fileOf(d.runId())));
        assertThat(damages).filteredOn(d -> d.runId().equals(badChecksum.id())).singleElement()
                .satisfies(d -> {
                    assertThat(d.line()).isEqualTo(2);
                    assertThat(d.reason()).contains("checksum mismatch");
                });
        assertThat(damages).filteredOn(d -> d.runId().equals(malformed.id())).singleElement()
                .satisfies(d -> {
                    assertThat(d.line()).isEqualTo(malformedLine);
                    assertThat(d.reason()).contains("unknown status 'MOSTLY_FINE'");
                });
        assertThat(damages).filteredOn(d -> d.runId().equals(newer.id())).singleElement()
                .satisfies(d -> {
                    assertThat(d.line()).isEqualTo(newerLine);
                    assertThat(d.error()).isInstanceOf(UnsupportedJournalVersionException.class);
                    assertThat(d.toString()).contains(newer.id().value(), "version 2");
                });
        assertThat(snapshot(tmp)).isEqualTo(before);
        assertThat(List.of(sound, crashedSound)).extracting(Deployed::id).doesNotContainAnyElementsOf(
                damages.stream().map(Journal.Damage::runId).toList());
    }
}
