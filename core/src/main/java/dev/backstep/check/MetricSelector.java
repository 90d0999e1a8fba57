package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.check.internal.PromText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which samples of a Prometheus text exposition a {@link MetricCheck} adds up: a metric name and
 * label matchers in PromQL's selector syntax ({@code =}, {@code !=}, {@code =~}, {@code !~}; regular
 * expressions match the whole value; a missing label counts as the empty string). Only a
 * selector, not PromQL: no functions, ranges or arithmetic. Immutable.
 *
 * <pre>{@code
 * MetricSelector errors = MetricSelector.parse("http_requests_total{code=~\"5..\", handler!=\"/metrics\"}");
 * MetricSelector same = MetricSelector.named("http_requests_total").labelMatches("code", "5..")
 *     .labelNot("handler", "/metrics");
 * }</pre>
 */
public final class MetricSelector {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final List<Matcher> matchers;

    private MetricSelector(String name, List<Matcher> matchers) {
        this.name = name;
        this.matchers = List.copyOf(matchers);
    }

    private record Matcher(String label, String op, String value, Pattern regex) {
        boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            switch (op) {
                case "=":
                    return actual.equals(value);
                case "!=":
                    return !actual.equals(value);
                case "=~":
                    return regex.matcher(actual).matches();
                default:
                    return !regex.matcher(actual).matches();
            }
        }

        @Override
        public String toString() {
            return label + op + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        }
    }

    /**
     * All samples of metric {@code name}.
     *
     * @throws PlanDefinitionException when the name is not a Prometheus metric name
     */
    public static MetricSelector named(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw problem(String.valueOf(name), "'" + name + "' is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        return new MetricSelector(name, List.of());
    }

    /**
     * Parses {@code name} or {@code name{label="value", label=~"regex", ...}}.
     *
     * @throws PlanDefinitionException when the text is not such a selector
     */
    public static MetricSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            throw problem(String.valueOf(selector), "a metric selector needs a metric name");
        }
        String s = selector.strip();
        int brace = s.indexOf('{');
        MetricSelector result = named(brace < 0 ? s : s.substring(0, brace).strip());
        if (brace < 0) {
            return result;
        }
        int i = brace + 1;
        try {
            while (true) {
                i = skip(s, i);
                if (i >= s.length()) {
                    throw new IllegalArgumentException("missing '}'");
                }
                if (s.charAt(i) == '}') {
                    i++;
                    break;
                }
                int ls = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                String label = s.substring(ls, i);
                i = skip(s, i);
                String op;
                if (s.startsWith("=~", i) || s.startsWith("!=", i) || s.startsWith("!~", i)) {
                    op = s.substring(i, i + 2);
                } else if (s.startsWith("=", i)) {
                    op = "=";
                } else {
                    throw new IllegalArgumentException("expected =, !=, =~ or !~ after '" + label + "'");
                }
                i = skip(s, i + op.length());
                StringBuilder value = new StringBuilder();
                i = quoted(s, i, value);
                result = result.with(label, op, value.toString());
                i = skip(s, i);
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                } else if (i >= s.length() || s.charAt(i) != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' after the value of '" + label + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            throw problem(selector, e.getMessage());
        }
        if (skip(s, i) != s.length()) {
            throw problem(selector, "unexpected text after '}'");
        }
        return result;
    }

    /** Also requires label {@code label} to equal {@code value}. */
    public MetricSelector label(String label, String value) {
        return with(label, "=", value);
    }

    /** Also requires label {@code label} to differ from {@code value}. */
    public MetricSelector labelNot(String label, String value) {
        return with(label, "!=", value);
    }

    /** Also requires label {@code label} to match the regular expression as a whole. */
    public MetricSelector labelMatches(String label, String regex) {
        return with(label, "=~", regex);
    }

    /** The metric name. */
    public String name() {
        return name;
    }

    /** Whether a sample of this metric with these labels is selected. */
    public boolean matches(String metric, Map<String, String> labels) {
        if (!name.equals(metric)) {
            return false;
        }
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    private MetricSelector with(String label, String op, String value) {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw problem(this + "", "'" + label + "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
        }
        if (value == null) {
            throw problem(this + "", "the value for label " + label + " is null");
        }
        Pattern regex = null;
        if (op.endsWith("~")) {
            try {
                regex = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw problem(this + "", "label " + label + ": bad regular expression: " + e.getDescription());
            }
        }
        List<Matcher> m = new ArrayList<>(matchers);
        m.add(new Matcher(label, op, value, regex));
        return new MetricSelector(name, m);
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int quoted(String s, int i, StringBuilder out) {
        try {
            return PromText.quoted(s, i, out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label value: " + e.getMessage());
        }
    }

    private static PlanDefinitionException problem(String selector, String why) {
        return new PlanDefinitionException(null, null, "metric selector '" + selector + "': " + why);
    }

    /** The selector in PromQL syntax. */
    @Override
    public String toString() {
        if (matchers.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < matchers.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(matchers.get(i));
        }
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricSelector m && m.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toString());
    }
}
