package dev.backstep.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A JSON object written by hand: the command's {@code --json} output, one object per call. */
final class Json {
    /** A value already in JSON form (a run report), written as is. */
    record Raw(String json) {
    }

    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        return write(fields);
    }

    static String write(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Optional<?> o) {
            return write(o.orElse(null));
        }
        if (v instanceof Raw r) {
            return r.json();
        }
        if (v instanceof Json j) {
            return j.toString();
        }
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, x) -> b.append(b.length() > 1 ? "," : "").append(quote(String.valueOf(k))).append(':')
                    .append(write(x)));
            return b.append('}').toString();
        }
        if (v instanceof Collection<?> c) {
            StringBuilder b = new StringBuilder("[");
            c.forEach(x -> b.append(b.length() > 1 ? "," : "").append(write(x)));
            return b.append(']').toString();
        }
        return quote(v.toString());
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
