package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

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

        String json = Json.write(in);
        Map<String, Object> out = Json.parse(json);

        assertThat(out).isEqualTo(in);
        assertThat(List.copyOf(out.keySet())).containsExactlyElementsOf(in.keySet());
        assertThat(json).doesNotContain("\n", "\r", "\u0000", "\u2028");
        // valid UTF-8 both ways even with lone surrogates
        assertThat(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void writesCompactJsonInIterationOrder() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("b", 1);
        in.put("a", "x\u0001");
        assertThat(Json.write(in)).isEqualTo("{\"b\":1,\"a\":\"x\\u0001\"}");
    }

    @Test
    void parsesStandardEscapesWhitespaceAndNumbers() {
        Map<String, Object> m = Json.parse(" {\n \"a\" : \"\\u00e9\\/\\b\\f\\ud83d\\ude00\" ,\"i\":0,\"neg\":-7,"
                + "\"big\":123456789012345678901234567890,\"d\":1.5e-3,\"o\":{}}\t");
        assertThat(m.get("a")).isEqualTo("é/\b\f😀");
        assertThat(m.get("i")).isEqualTo(0L);
        assertThat(m.get("neg")).isEqualTo(-7L);
        assertThat(m.get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
        assertThat(m.get("d")).isEqualTo(new BigDecimal("1.5e-3"));
        assertThat(m.get("o")).isEqualTo(Map.of());
    }

    @Test
    void rejectsMalformedInputNamingThePosition() {
        assertRejected("", "position 0", "expected '{'");
        assertRejected("[1]", "position 0", "expected '{'");
        assertRejected("{\"a\":[1]}", "position 5", "arrays are not supported");
        assertRejected("{\"a\":1,}", "position 7", "expected a string key");
        assertRejected("{'a':1}", "position 1", "expected a string key");
        assertRejected("{\"a\":01}", "leading zeros");
        assertRejected("{\"a\":1.}", "digit after '.'");
        assertRejected("{\"a\":-}", "expected a digit");
        assertRejected("{\"a\":tru}", "expected a value for 'a'");
        assertRejected("{\"a\":\"x\ny\"}", "raw control character U+000A");
        assertRejected("{\"a\":\"\\x\"}", "invalid escape sequence '\\x'");
        assertRejected("{\"a\":\"\\u12g4\"}", "invalid hex digit");
        assertRejected("{\"a\":\"\\u12\"}", "invalid hex digit");
        assertRejected("{\"a\":\"abc", "unterminated string");
        assertRejected("{\"a\":1", "expected ',' or '}' but found end of input");
        assertRejected("{\"a\":1}x", "unexpected 'x' after the end of the object");
        assertRejected("{\"a\":1,\"a\":2}", "duplicate key 'a'");
        assertRejected("{\"a\":{\"b\":1}}", "value of 'b' in nested object 'a' must be a string");
        assertRejected("{\"a\":{\"b\":{}}}", "must be a string");
        assertRejected("{\"a\" 1}", "expected ':' after key 'a'");
    }

    @Test
    void refusesToWriteWhatItCannotRepresent() {
        assertThatThrownBy(() -> Json.write(Map.of("a", List.of(1))))
                .isInstanceOf(BackstepException.class).hasMessageContaining("unsupported type");
        assertThatThrownBy(() -> Json.write(Map.of("a", Double.NaN)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("cannot represent");
        assertThatThrownBy(() -> Json.write(Map.of("a", Map.of("b", 1))))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must be a string");
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, "x");
        assertThatThrownBy(() -> Json.write(nullKey))
                .isInstanceOf(BackstepException.class).hasMessageContaining("keys must not be null");
    }

    private static void assertRejected(String text, String... messageParts) {
        assertThatThrownBy(() -> Json.parse(text))
                .as(text)
                .isInstanceOf(Json.JsonException.class)
                .isInstanceOf(BackstepException.class)
                .hasMessageContainingAll(messageParts);
    }
}
