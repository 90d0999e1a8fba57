package dev.backstep.internal;

import dev.backstep.BackstepException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A tiny, strict JSON codec for the shapes Backstep stores (journal records, lock holders): one
 * object whose values are strings, numbers, booleans, {@code null}, or a nested object whose
 * values are strings. Arrays and deeper nesting are rejected with a clear error.
 *
 * <p>{@link #write} emits compact JSON (no whitespace) in the map's iteration order; it escapes
 * quotes, backslashes, every control character, U+2028/U+2029 and lone surrogates, so the output
 * is one line of valid UTF-8 whatever the input. {@link #parse} follows RFC 8259 strictly (no
 * comments, trailing commas, single quotes, leading zeros, raw control characters, duplicate
 * keys or trailing content) and returns insertion-ordered maps; integers that fit are
 * {@link Long}, other numbers {@link BigDecimal}.
 *
 * <pre>{@code
 * String line = Json.write(Map.of("pid", 42L, "host", "web-1"));
 * long pid = (Long) Json.parse(line).get("pid");
 * }</pre>
 */
public final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Raised for input that is not JSON this codec accepts, or a value it cannot write. */
    public static final class JsonException extends BackstepException {
        private static final long serialVersionUID = 1L;
        private final int position;

        JsonException(String message, int position) {
            super(position >= 0 ? "invalid JSON at position " + position + ": " + message : message);
            this.position = position;
        }

        /** Zero-based character offset of the problem, or -1 when writing. */
        public int position() {
            return position;
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code object} as one line of compact JSON. */
    public static String write(Map<String, ?> object) {
        StringBuilder out = new StringBuilder(128);
        writeObject(out, object, true);
        return out.toString();
    }

    private static void writeObject(StringBuilder out, Map<String, ?> object, boolean topLevel) {
        Objects.requireNonNull(object, "object");
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, ?> e : object.entrySet()) {
            if (e.getKey() == null) {
                throw new JsonException("object keys must not be null", -1);
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(out, e.getKey());
            out.append(':');
            Object v = e.getValue();
            if (topLevel) {
                writeValue(out, e.getKey(), v);
            } else if (v instanceof String s) {
                writeString(out, s);
            } else {
                throw new JsonException("value of nested key '" + e.getKey()
                        + "' must be a string, not " + describe(v), -1);
            }
        }
        out.append('}');
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(StringBuilder out, String key, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            writeString(out, s);
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new JsonException("value of '" + key + "' is " + d + ", which JSON cannot represent", -1);
            }
            out.append(new BigDecimal(v.toString()).toString());
        } else if (v instanceof BigDecimal bd) {
            out.append(bd.toString());
        } else if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw new JsonException("nested object '" + key + "' has a non-string key", -1);
                }
            }
            writeObject(out, (Map<String, ?>) m, false);
        } else {
            throw new JsonException("value of '" + key + "' has unsupported type " + describe(v), -1);
        }
    }

    /** Appends {@code s} as a JSON string literal, quotes included. */
    static void writeString(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            unicodeEscape(out, c); // lone: UTF-8 cannot carry it raw
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }

    private static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses one JSON object. Nested objects come back as {@code Map<String, Object>} whose values
     * are strings; all maps are unmodifiable and keep the document's key order.
     *
     * @throws JsonException naming the position and what was expected
     */
    public static Map<String, Object> parse(String text) {
        Objects.requireNonNull(text, "text");
        Parser p = new Parser(text);
        p.skipWhitespace();
        Map<String, Object> result = p.object(true, null);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.found() + " after the end of the object");
        }
        return result;
    }

    private static final class Parser {
        private final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        JsonException error(String message) {
            return new JsonException(message, pos);
        }

        String found() {
            if (pos >= s.length()) {
                return "end of input";
            }
            char c = s.charAt(pos);
            if (c < 0x20 || c == 0x7f) {
                return String.format("control character U+%04X", (int) c);
            }
            return "'" + c + "'";
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        void expect(char c, String what) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected " + what + " but found " + found());
            }
            pos++;
        }

        Map<String, Object> object(boolean topLevel, String parentKey) {
            expect('{', "'{'");
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            while (true) {
                skipWhitespace();
                int keyPos = pos;
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a string key but found " + found());
                }
                String key = string();
                skipWhitespace();
                expect(':', "':' after key '" + key + "'");
                skipWhitespace();
                Object value;
                if (topLevel) {
                    value = value(key);
                } else {
                    if (pos >= s.length() || s.charAt(pos) != '"') {
                        throw error("value of '" + key + "' in nested object '" + parentKey
                                + "' must be a string, found " + found());
                    }
                    value = string();
                }
                if (map.containsKey(key)) {
                    throw new JsonException("duplicate key '" + key + "'", keyPos);
                }
                map.put(key, value);
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return Collections.unmodifiableMap(map);
                }
                throw error("expected ',' or '}' but found " + found());
            }
        }

        Object value(String key) {
            if (pos >= s.length()) {
                throw error("expected a value for '" + key + "' but found end of input");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                return string();
            } else if (c == '{') {
                return object(false, key);
            } else if (c == '[') {
                throw error("arrays are not supported (value of '" + key + "')");
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            } else if (s.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            } else if (s.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            } else if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            throw error("expected a value for '" + key + "' but found " + found());
        }

        String string() {
            pos++; // opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String result = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return result;
                }
                if (c < 0x20) {
                    throw error("raw " + found() + " in a string (must be escaped)");
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, start, pos);
                pos++;
                if (pos >= s.length()) {
                    throw error("unterminated escape sequence");
                }
                char e = s.charAt(pos);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 5 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        int cp = 0;
                        for (int i = 1; i <= 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) {
                                pos += i;
                                throw error("invalid hex digit " + found() + " in \\u escape");
                            }
                            cp = (cp << 4) | d;
                        }
                        sb.append((char) cp);
                        pos += 4;
                        break;
                    default:
                        throw error("invalid escape sequence '\\" + e + "'");
                }
                pos++;
                start = pos;
            }
        }

        Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw error("expected a digit but found " + found());
            }
            if (s.charAt(pos) == '0') {
                pos++;
                if (pos < s.length() && isDigit(s.charAt(pos))) {
                    throw error("leading zeros are not allowed");
                }
            } else {
                digits();
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                    throw error("expected a digit after '.' but found " + found());
                }
                digits();
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                    throw error("expected a digit in the exponent but found " + found());
                }
                digits();
            }
            String literal = s.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException tooBig) {
                    return new BigDecimal(literal);
                }
            }
            try {
                return new BigDecimal(literal);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new JsonException("number out of range: " + literal, start);
            }
        }

        private void digits() {
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
