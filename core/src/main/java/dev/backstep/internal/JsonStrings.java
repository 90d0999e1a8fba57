package dev.backstep.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest JSON needed to journal argv lists and environment maps as single recorded values:
 * an array of strings and an object of string values. Core has no JSON library.
 *
 * <pre>{@code
 * String json = JsonStrings.array(List.of("php", "artisan", "migrate")); // ["php","artisan","migrate"]
 * List<String> argv = JsonStrings.parseArray(json);
 * }</pre>
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** {@code ["a","b"]}. */
    public static String array(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            quote(values.get(i), sb);
        }
        return sb.append(']').toString();
    }

    /** {@code {"k":"v"}}, in the map's iteration order. */
    public static String object(Map<String, String> values) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(e.getKey(), sb);
            sb.append(':');
            quote(e.getValue(), sb);
        }
        return sb.append('}').toString();
    }

    /**
     * Parses an array of strings.
     *
     * @throws IllegalArgumentException when {@code json} is not exactly that
     */
    public static List<String> parseArray(String json) {
        Parser p = new Parser(json);
        List<String> out = new ArrayList<>();
        p.expect('[');
        if (!p.tryConsume(']')) {
            do {
                out.add(p.string());
            } while (p.tryConsume(','));
            p.expect(']');
        }
        p.end();
        return out;
    }

    /**
     * Parses an object whose values are strings.
     *
     * @throws IllegalArgumentException when {@code json} is not exactly that
     */
    public static Map<String, String> parseObject(String json) {
        Parser p = new Parser(json);
        Map<String, String> out = new LinkedHashMap<>();
        p.expect('{');
        if (!p.tryConsume('}')) {
            do {
                String k = p.string();
                p.expect(':');
                if (out.put(k, p.string()) != null) {
                    throw new IllegalArgumentException("duplicate key \"" + k + "\"");
                }
            } while (p.tryConsume(','));
            p.expect('}');
        }
        p.end();
        return out;
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            if (s == null) {
                throw new IllegalArgumentException("no JSON text (null)");
            }
            this.s = s;
        }

        void skipWhitespace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t'
                    || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
        }

        boolean tryConsume(char c) {
            skipWhitespace();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!tryConsume(c)) {
                throw error("expected '" + c + "'");
            }
        }

        void end() {
            skipWhitespace();
            if (i != s.length()) {
                throw error("unexpected text after the value");
            }
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"':
                    case '\\':
                    case '/':
                        sb.append(e);
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'n':
                        sb.append('\n');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                        break;
                    default:
                        throw error("bad escape \\" + e);
                }
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + i + ": " + what);
        }
    }
}
