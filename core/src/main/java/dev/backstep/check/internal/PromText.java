package dev.backstep.check.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads sample lines of the Prometheus text exposition format (also what OpenMetrics and
 * Prometheus' {@code /federate} serve): {@code name{label="value",...} value [timestamp]}.
 * Comments ({@code # HELP}, {@code # TYPE}, {@code # EOF}) and blank lines are not samples. Only
 * what a threshold check needs; no exemplars, no validation of the rest of the document.
 *
 * <pre>{@code
 * PromText.Sample s = PromText.parse("http_requests_total{code=\"500\"} 3 1700000000000");
 * s.labels().get("code"); // "500"
 * }</pre>
 */
public final class PromText {
    private PromText() {
    }

    /** One sample. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The metric name a line starts with, or null for a comment or blank line. */
    public static String nameOf(String line) {
        int i = skipSpace(line, 0);
        if (i >= line.length() || line.charAt(i) == '#') {
            return null;
        }
        int start = i;
        while (i < line.length() && isNameChar(line.charAt(i), i == start)) {
            i++;
        }
        return line.substring(start, i);
    }

    /**
     * Parses a sample line.
     *
     * @throws IllegalArgumentException when the line is not a well-formed sample
     */
    public static Sample parse(String line) {
        int i = skipSpace(line, 0);
        int start = i;
        while (i < line.length() && isNameChar(line.charAt(i), i == start)) {
            i++;
        }
        if (i == start) {
            throw new IllegalArgumentException("no metric name");
        }
        String name = line.substring(start, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = parseLabels(line, i + 1, labels);
        }
        int afterName = i;
        i = skipSpace(line, i);
        if (i == afterName || i >= line.length()) {
            throw new IllegalArgumentException("no value after " + name);
        }
        int vs = i;
        while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        double value = number(line.substring(vs, i));
        // an optional timestamp follows; it is not needed
        return new Sample(name, Map.copyOf(labels), value);
    }

    /** Parses {@code label="value",...}} from {@code i} (after the brace); returns the index after the closing brace. */
    static int parseLabels(String s, int i, Map<String, String> into) {
        while (true) {
            i = skipSpace(s, i);
            if (i >= s.length()) {
                throw new IllegalArgumentException("unterminated label set");
            }
            if (s.charAt(i) == '}') {
                return i + 1;
            }
            int ls = i;
            while (i < s.length() && isLabelChar(s.charAt(i), i == ls)) {
                i++;
            }
            if (i == ls) {
                throw new IllegalArgumentException("bad label name at column " + (i + 1));
            }
            String label = s.substring(ls, i);
            i = skipSpace(s, i);
            if (i >= s.length() || s.charAt(i) != '=') {
                throw new IllegalArgumentException("expected '=' after label " + label);
            }
            i = skipSpace(s, i + 1);
            StringBuilder value = new StringBuilder();
            i = quoted(s, i, value);
            if (into.put(label, value.toString()) != null) {
                throw new IllegalArgumentException("label " + label + " appears twice");
            }
            i = skipSpace(s, i);
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            } else if (i >= s.length() || s.charAt(i) != '}') {
                throw new IllegalArgumentException("expected ',' or '}' after label " + label);
            }
        }
    }

    /** Reads a double-quoted string with {@code \\}, {@code \"} and {@code \n} escapes; returns the index after it. */
    public static int quoted(String s, int i, StringBuilder out) {
        if (i >= s.length() || s.charAt(i) != '"') {
            throw new IllegalArgumentException("expected '\"' at column " + (i + 1));
        }
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                out.append(n == 'n' ? '\n' : n);
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated string");
    }

    /** A sample value: a Go/Java float, {@code NaN}, {@code +Inf}, {@code -Inf}. */
    static double number(String v) {
        switch (v) {
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                break;
        }
        if (v.isEmpty() || v.indexOf('x') >= 0 || v.indexOf('X') >= 0 || v.endsWith("d") || v.endsWith("D")
                || v.endsWith("f") || v.endsWith("F") || v.contains("Infinity")) {
            throw new IllegalArgumentException("bad sample value '" + v + "'");
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad sample value '" + v + "'");
        }
    }

    static boolean isNameChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
    }

    static boolean isLabelChar(char c, boolean first) {
        return c != ':' && isNameChar(c, first);
    }

    static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
