package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    private static final String AWKWARD = "quote \" backslash \\ slash / newline \n cr \r tab \t nul \u0000"
            + " bell \u0007 del \u007f sep \u2028\u2029 é 漢字 emoji 😀 lone-high \ud800 lone-low \udc00 end";

    @Test
    void roundTripsAwkwardStringsKeysAndNestedObjects() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("s", AWKWARD);
        in.put(AWKWARD, "key is awkward");
        in.put("n", -1234567890123L);
        in.put("t", true);
        in.put("f", false);
        in.put("z", null);
        in.put("data", Map.of("k\n\"", AWKWARD, "empty", ""));

        String json = JsonText.write(in);
        Map<String, Object> out = JsonText.parse(json);

        assertThat(out).isEqualTo(in);
        assertThat(List.copyOf(out.keySet())).containsExactlyElementsOf(in.keySet());
        assertThat(json).doesNotContain("\n", "\r", "\u0000", "\u2028");
        assertValidUtf8(JsonText.writeObject(in));
    }

    @Test
    void writesCompactJsonInIterationOrder() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("b", 1);
        in.put("a", "x\u0001");
        assertThat(JsonText.write(in)).isEqualTo("{\"b\":1,\"a\":\"x\\u0001\"}");
    }

    @Test
    void escapesExactlyAsFormatVersionOneDid() {
        // lowercase hex, short escapes where JSON has them, DEL, U+2028/9 and lone surrogates escaped,
        // a surrogate pair written as one 4-byte UTF-8 character, '/' and non-ASCII as they are
        String s = "q\" b\\ s/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del\u007f ls\u2028 ps\u2029 é 漢 😀"
                + " lone\ud800 low\udc00 A";
        assertThat(JsonText.write(Map.of("k", s))).isEqualTo("{\"k\":\"q\\\" b\\\\ s/ nl\\n cr\\r tab\\t bs\\b ff\\f"
                + " nul\\u0000 us\\u001f del\\u007f ls\\u2028 ps\\u2029 é 漢 😀 lone\\ud800 low\\udc00 A\"}");
        assertThat(JsonText.writeObject(Map.of("k", "😀"))).containsExactly(
                '{', '"', 'k', '"', ':', '"', 0xf0 - 256, 0x9f - 256, 0x98 - 256, 0x80 - 256, '"', '}');
    }

    @Test
    void parsesStandardEscapesWhitespaceAndNumbers() {
        Map<String, Object> m = JsonText.parse(" {\n \"a\" : \"\\u00e9\\/\\b\\f\\ud83d\\ude00\" ,\"i\":0,\"neg\":-7,"
                + "\"big\":123456789012345678901234567890,\"d\":1.5e-3,\"o\":{}}\t");
        assertThat(m.get("a")).isEqualTo("é/\b\f😀");
        assertThat(m.get("i")).isEqualTo(0L);
        assertThat(m.get("neg")).isEqualTo(-7L);
        assertThat(m.get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
        assertThat(m.get("d")).isEqualTo(new BigDecimal("1.5e-3"));
        assertThat(m.get("o")).isEqualTo(Map.of());
    }

    @Test
    void readsUnicodeEscapesOfAnyCaseAsTheCharacterTheyName() {
        assertThat(JsonText.parse("{\"a\":\"\\u0041\\u00E9\\u00e9\\u6F22\\uD83D\\uDE00\\u0000\"}").get("a"))
                .isEqualTo("Aéé漢😀\u0000");
        assertThat(JsonText.parseStringArray("[\"\\u0041\",\"\\u007F\"]")).containsExactly("A", "\u007f");
        assertThat(JsonText.parseStringObject("{\"\\u0041\":\"\\u0042\"}")).containsExactly(Map.entry("A", "B"));
    }

    @Test
    void refusesUnicodeEscapesThatAreNotFourHexDigits() {
        // the old argv reader parsed the four characters after backslash-u as a signed number: "+041" was 'A'
        for (String escape : List.of("\\u+041", "\\u-041", "\\u 041", "\\u004", "\\u00g1", "\\U0041")) {
            assertThatThrownBy(() -> JsonText.parseStringArray("[\"" + escape + "\"]")).as(escape)
                    .isInstanceOf(JsonText.JsonException.class).hasMessageContaining("invalid JSON at position");
            assertThatThrownBy(() -> JsonText.parse("{\"a\":\"" + escape + "\"}")).as(escape)
                    .isInstanceOf(JsonText.JsonException.class).hasMessageContaining("invalid JSON at position");
        }
    }

    @Test
    void escapedAndLoneSurrogatesRoundTripAsTheSameChars() {
        assertThat(JsonText.parse("{\"a\":\"\\ud800\",\"b\":\"x\\udc00y\",\"c\":\"\\udc00\\ud800\"}"))
                .containsExactly(Map.entry("a", "\ud800"), Map.entry("b", "x\udc00y"), Map.entry("c", "\udc00\ud800"));
        List<String> argv = List.of("\ud800", "end\ud800", "\udc00start", "\udc00\ud800", "pair😀");
        String array = JsonText.stringArray(argv);
        // written as escapes: the old argv writer left lone surrogates raw, which UTF-8 cannot carry
        assertThat(array).isEqualTo("[\"\\ud800\",\"end\\ud800\",\"\\udc00start\",\"\\udc00\\ud800\",\"pair😀\"]");
        assertValidUtf8(array.getBytes(StandardCharsets.UTF_8));
        assertThat(JsonText.parseStringArray(array)).isEqualTo(argv);
        Map<String, String> env = Map.of("K😀", "v\udc00");
        assertThat(JsonText.parseStringObject(JsonText.stringObject(env))).isEqualTo(env);
    }

    @Test
    void aLoneSurrogateInAKeyRoundTripsAsFormatOneStoredIt() {
        // jackson-core 2.23 refuses such keys when reading: this pins a version that reads them
        for (String key : List.of("a\ud800", "\udc00b", "x\udc00\ud800y")) {
            Map<String, Object> in = Map.of(key, "v", "data", Map.of(key, key));
            String json = JsonText.write(in);
            assertThat(json).doesNotContain("\ud800", "\udc00");
            assertThat(JsonText.parse(json)).as(key).isEqualTo(in);
            assertThat(JsonText.parseStringObject(JsonText.stringObject(Map.of(key, key)))).containsEntry(key, key);
        }
        assertThat(JsonText.parse("{\"a\\ud800\":1,\"\\udc00\":2}")).containsExactly(
                Map.entry("a\ud800", 1L), Map.entry("\udc00", 2L));
    }

    @Test
    void everyControlCharacterIsEscapedAndReadBack() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f');
        String json = JsonText.stringArray(List.of(all.toString()));
        assertThat(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(json).isTrue();
        assertThat(JsonText.parseStringArray(json)).containsExactly(all.toString());
        assertThatThrownBy(() -> JsonText.parseStringArray("[\"a\u0001b\"]"))
                .isInstanceOf(JsonText.JsonException.class).hasMessageContaining("CTRL-CHAR");
    }

    @Test
    void nonBmpCharactersAreWrittenAsUtf8AndReadBack() {
        String s = "😀𝄞𠜎🏳️‍🌈";
        byte[] json = JsonText.writeObject(Map.of(s, s));
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"" + s + "\":\"" + s + "\"}");
        assertThat(JsonText.parse(new String(json, StandardCharsets.UTF_8))).containsExactly(Map.entry(s, s));
    }

    @Test
    void valuesAndKeysBeyondJacksonsDefaultLimitsRoundTrip() {
        // jackson-core refuses strings over 20,000,000 chars and keys over 50,000 unless told otherwise;
        // whatever a journal wrote must be readable
        String value = "v😀".repeat(7_000_001);
        String key = "k".repeat(60_000);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put(key, value);
        Map<String, Object> out = JsonText.parse(JsonText.write(in));
        assertThat(out.keySet()).containsExactly(key);
        assertThat(out.get(key)).isEqualTo(value);
        assertThat(JsonText.parseStringArray(JsonText.stringArray(List.of(value)))).containsExactly(value);
    }

    @Test
    void rejectsMalformedInputNamingThePosition() {
        assertRejected("", "position 0", "expected '{' but found end of input");
        assertRejected("[1]", "position 0", "expected '{' but found '['");
        assertRejected("{\"a\":[1]}", "position 5", "arrays are not supported (value of 'a')");
        assertRejected("{\"a\":1,}", "position 7", "double-quote to start field name");
        assertRejected("{'a':1}", "position 1", "double-quote to start field name");
        assertRejected("{\"a\":01}", "position 6", "Leading zeroes not allowed");
        assertRejected("{\"a\":1.}", "Decimal point not followed by a digit");
        assertRejected("{\"a\":-}", "expected digit");
        assertRejected("{\"a\":tru}", "Unrecognized token 'tru'");
        assertRejected("{\"a\":\"x\ny\"}", "position 7", "CTRL-CHAR, code 10");
        assertRejected("{\"a\":\"\\x\"}", "Unrecognized character escape 'x'");
        assertRejected("{\"a\":\"\\u12g4\"}", "expected a hex-digit");
        assertRejected("{\"a\":\"\\u12\"}", "expected a hex-digit");
        assertRejected("{\"a\":\"abc", "end-of-input");
        assertRejected("{\"a\":1", "end-of-input");
        assertRejected("{\"a\":1}x", "position 7", "unexpected content after the end of the value");
        assertRejected("{\"a\":1} {}", "position 8", "unexpected '{' after the end of the value");
        assertRejected("{\"a\":1,\"a\":2}", "position 7", "duplicate key 'a'");
        assertRejected("{\"a\":{\"b\":1}}", "value of 'b' in nested object 'a' must be a string");
        assertRejected("{\"a\":{\"b\":{}}}", "must be a string");
        assertRejected("{\"a\" 1}", "was expecting a colon");
        assertThatThrownBy(() -> JsonText.parseStringArray("[\"a\",1]"))
                .isInstanceOf(JsonText.JsonException.class).hasMessageContaining("element 1 of the array must be a string");
        assertThatThrownBy(() -> JsonText.parseStringObject("{\"a\":null}"))
                .isInstanceOf(JsonText.JsonException.class).hasMessageContaining("value of 'a'");
    }

    @Test
    void refusesToWriteWhatItCannotRepresent() {
        assertThatThrownBy(() -> JsonText.write(Map.of("a", List.of(1))))
                .isInstanceOf(BackstepException.class).hasMessageContaining("unsupported type");
        assertThatThrownBy(() -> JsonText.write(Map.of("a", Double.NaN)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("cannot represent");
        assertThatThrownBy(() -> JsonText.write(Map.of("a", Map.of("b", 1))))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must be a string");
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, "x");
        assertThatThrownBy(() -> JsonText.write(nullKey))
                .isInstanceOf(BackstepException.class).hasMessageContaining("keys must not be null");
        assertThatThrownBy(() -> JsonText.stringArray(java.util.Arrays.asList("a", null)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("element 1");
    }

    private static void assertRejected(String text, String... messageParts) {
        assertThatThrownBy(() -> JsonText.parse(text))
                .as(text)
                .isInstanceOf(JsonText.JsonException.class)
                .isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid JSON at position")
                .hasMessageContainingAll(messageParts);
    }

    private static void assertValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8", e);
        }
    }
}
