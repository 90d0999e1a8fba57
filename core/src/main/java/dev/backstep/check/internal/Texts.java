package dev.backstep.check.internal;

import java.time.Duration;

/**
 * Formatting shared by the checks: durations for people, numbers without noise, quoted snippets.
 *
 * <pre>{@code
 * Texts.duration(Duration.ofMillis(1500)); // "1.5 s"
 * Texts.number(3.0);                       // "3"
 * }</pre>
 */
public final class Texts {
    private Texts() {
    }

    /** {@code 200 ms}, {@code 2 s}, {@code 1.5 s}, {@code 2 min}, {@code 1 h}. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms == 0 && !d.isZero() ? d.toNanos() / 1000 + " µs" : ms + " ms";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0).replaceAll("0+$", "") + " s";
    }

    /** Integral values without {@code .0}, others as {@link Double#toString}. */
    public static String number(double v) {
        if (!Double.isNaN(v) && !Double.isInfinite(v) && v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /**
     * At most {@code max} characters of {@code text} on one line, in double quotes, control
     * characters escaped, {@code …} when cut.
     */
    public static String snippet(String text, int max) {
        String s = text.strip();
        boolean cut = s.length() > max;
        if (cut) {
            s = s.substring(0, max);
        }
        StringBuilder sb = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c == '"') {
                sb.append("\\\"");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(cut ? "…\"" : "\"").toString();
    }

    /** The message of {@code t}, or its simple class name when it has none. */
    public static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
    }
}
