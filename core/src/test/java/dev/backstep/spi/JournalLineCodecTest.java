package dev.backstep.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of a directory journal line: what this version writes (byte for byte format 1), what
 * it reads (any JSON layout whose checksum covers its bytes as stored) and what it refuses.
 */
class JournalLineCodecTest {
    /** Every character the first codec escaped, plus non-ASCII, non-BMP and lone surrogates. */
    private static final String AWKWARD = "q\" b\\ s/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del\u007f"
            + " ls\u2028 ps\u2029 \u00e9 \u6f22 \ud83d\ude00 lone\ud800 low\udc00 A";
    private static final String AWKWARD_KEY = "k\" \\ \n \u0001 \u007f \u2028 \u00e9 \ud83d\ude00";
    private static final RunId RUN = RunId.of("20261203-180000.000-0000000abc");
    private static final Instant AT = Instant.parse("2026-12-03T18:00:00.123456789Z");

    @TempDir
    Path tmp;

    private Path runFile() {
        return tmp.resolve("runs").resolve(RUN.value() + ".jsonl");
    }

    private static JournalRecord record(long seq, String step, Map<String, String> data) {
        return new JournalRecord(RUN, seq, AT, JournalRecord.Type.STEP_RECORDED, Optional.ofNullable(step), data);
    }

    /** A run file of {@code lines} (each without its newline), 0600 in a 0700 directory. */
    private void writeRunFile(List<String> lines) throws IOException {
        Files.createDirectories(tmp.resolve("runs"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(runFile(), String.join("\n", lines) + "\n", UTF_8, StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(runFile(), PosixFilePermissions.fromString("rw-------"));
    }

    /** {@code body} (a record without its closing brace, in any layout) and the crc over its bytes. */
    private static String withChecksum(String body) {
        byte[] stored = (body + "}").getBytes(UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(stored, 0, stored.length);
        return body + ",\"crc\":\"" + String.format("%08x", crc.getValue()) + "\"}";
    }

    @Test
    void newLinesAreByteForByteWhatFormatOneWrote() throws IOException {
        // written by the first release's hand-written codec; never regenerate
        String formatOne = "{\"v\":1,\"runId\":\"20261203-180000.000-0000000abc\",\"seq\":7,"
                + "\"at\":\"2026-12-03T18:00:00.123456789Z\",\"type\":\"STEP_RECORDED\",\"step\":\"q\\\" b\\\\ s/ nl\\n"
                + " cr\\r tab\\t bs\\b ff\\f nul\\u0000 us\\u001f del\\u007f ls\\u2028 ps\\u2029 \u00e9 \u6f22 \ud83d\ude00"
                + " lone\\ud800 low\\udc00 A\",\"data\":{\"k\\\" \\\\ \\n \\u0001 \\u007f \\u2028 \u00e9 \ud83d\ude00\":\"v\","
                + "\"key\":\"q\\\" b\\\\ s/ nl\\n cr\\r tab\\t bs\\b ff\\f nul\\u0000 us\\u001f del\\u007f ls\\u2028"
                + " ps\\u2029 \u00e9 \u6f22 \ud83d\ude00 lone\\ud800 low\\udc00 A\",\"value\":\"q\\\" b\\\\ s/ nl\\n cr\\r"
                + " tab\\t bs\\b ff\\f nul\\u0000 us\\u001f del\\u007f ls\\u2028 ps\\u2029 \u00e9 \u6f22 \ud83d\ude00"
                + " lone\\ud800 low\\udc00 A\"},\"crc\":\"1bc0c104\"}";
        JournalRecord r = record(7, AWKWARD, Map.of("key", AWKWARD, "value", AWKWARD, AWKWARD_KEY, "v"));
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(r);
            assertThat(journal.read(RUN)).containsExactly(r);
        }
        assertThat(Files.readAllBytes(runFile())).isEqualTo((formatOne + "\n").getBytes(UTF_8));
    }

    @Test
    void aLineInAnotherJsonLayoutVerifiesAgainstItsStoredBytes() throws IOException {
        // what another JSON writer might produce: spaces, upper-case and needless escapes, escaped
        // surrogate pairs, keys in another order; its crc covers these bytes, not a re-encoding
        String line = withChecksum("{ \"runId\" : \"" + RUN + "\", \"v\" : 1, \"seq\" : 0,"
                + " \"type\" : \"STEP_RECORDED\", \"at\" : \"2026-12-03T18:00:00.123456789Z\","
                + " \"step\" : \"\\u0073\\u0074\\u0065\\u0070\", \"data\" : { \"value\" : \"\\u0041\\u00E9\\uD83D\\uDE00"
                + "\\/\\ud800\\u2028\", \"key\" : \"head\" } ");
        writeRunFile(List.of(line));

        try (Journal journal = Journal.directory(tmp)) {
            assertThat(journal.read(RUN)).containsExactly(record(0, "step",
                    Map.of("key", "head", "value", "A\u00e9\ud83d\ude00/\ud800\u2028")));
        }
    }

    @Test
    void oneEditedByteInsideAnEscapeOrAMultiByteCharacterIsCorruptionNamingFileAndLine() throws IOException {
        for (String[] edit : List.of(new String[] {"us\\u001f", "us\\u001e"}, new String[] {"\u00e9", "\u00e8"},
                new String[] {"lone\\ud800", "lone\\ud801"})) {
            Path dir = tmp.resolve("edit-" + edit[1].hashCode());
            try (Journal journal = Journal.directory(dir)) {
                for (long seq = 0; seq < 3; seq++) {
                    journal.append(record(seq, "s", Map.of("key", "k", "value", AWKWARD)));
                }
            }
            Path file = dir.resolve("runs").resolve(RUN.value() + ".jsonl");
            List<String> lines = Files.readAllLines(file, UTF_8);
            byte[] before = lines.get(1).getBytes(UTF_8);
            lines.set(1, lines.get(1).replaceFirst(java.util.regex.Pattern.quote(edit[0]),
                    java.util.regex.Matcher.quoteReplacement(edit[1])));
            byte[] after = lines.get(1).getBytes(UTF_8);
            assertThat(after).hasSameSizeAs(before);
            int changed = 0;
            for (int i = 0; i < before.length; i++) {
                changed += before[i] != after[i] ? 1 : 0;
            }
            assertThat(changed).as("bytes changed by %s -> %s", edit[0], edit[1]).isEqualTo(1);
            Files.writeString(file, String.join("\n", lines) + "\n", UTF_8);

            try (Journal journal = Journal.directory(dir)) {
                assertThatThrownBy(() -> journal.read(RUN)).as(edit[1])
                        .isInstanceOfSatisfying(JournalCorruptedException.class, e -> {
                            assertThat(e.file()).isEqualTo(file);
                            assertThat(e.line()).isEqualTo(2);
                            assertThat(e.reason()).startsWith("checksum mismatch");
                        })
                        .hasMessageContaining(file.toString()).hasMessageContaining("line 2");
            }
        }
    }

    @Test
    void aValueLongerThanJacksonsDefaultLimitRoundTrips() {
        // jackson-core reads at most 20,000,000 chars per string unless told otherwise
        String value = "0123456789".repeat(2_000_001);
        JournalRecord r = record(0, "big", Map.of("key", "blob", "value", value));
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(r);
        }
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(RUN)).singleElement()
                    .satisfies(back -> assertThat(back.data().get("value")).isEqualTo(value));
        }
    }

    @Test
    void aLoneSurrogateRoundTripsInAValueAStepNameAndAKeyAsAnEscape() throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("key", "name\ud800");
        data.put("value", "\udc00x\ud800");
        data.put("odd\ud800key", "v");
        JournalRecord lone = record(0, "step\udc00", data);
        try (Journal journal = Journal.directory(tmp)) {
            journal.append(lone);
            assertThat(journal.read(RUN)).containsExactly(lone);
        }
        String stored = Files.readString(runFile(), UTF_8);
        assertThat(stored).contains("\"name\\ud800\"", "\"\\udc00x\\ud800\"", "\"odd\\ud800key\"", "\"step\\udc00\"")
                .doesNotContain("\ud800", "\udc00", "?");
        try (Journal reopened = Journal.directory(tmp)) {
            assertThat(reopened.read(RUN)).containsExactly(lone);
        }
    }
}
