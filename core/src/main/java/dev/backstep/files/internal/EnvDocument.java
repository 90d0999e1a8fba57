package dev.backstep.files.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code .env} or {@code .properties} file as lines: entries ({@code KEY=value}, possibly over
 * several physical lines), comments, blank and unrecognised lines. Editing an entry rewrites only
 * its own lines; everything else, including line endings, stays byte for byte.
 *
 * <p>Works on "byte strings" (bytes decoded as ISO-8859-1, one char per byte) so that bytes it
 * does not touch survive any encoding; values passed in are Java strings and are written as UTF-8.
 */
public final class EnvDocument {
    /** The syntax rules of the file. */
    public enum Syntax { ENV, PROPERTIES }

    /** Keys that {@code set} and {@code remove} accept. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
    private static final Pattern BARE_VALUE = Pattern.compile("[A-Za-z0-9_./:@%+,=\\-]*");

    private final Syntax syntax;
    private final List<Entry> entries;
    private final String newline;

    private record Entry(List<String> lines, String key, String prefix, String value) {
        boolean isKey(String k) {
            return key != null && key.equals(k);
        }

        String terminator() {
            String last = lines.get(lines.size() - 1);
            return last.endsWith("\r\n") ? "\r\n" : last.endsWith("\n") ? "\n" : "";
        }
    }

    private EnvDocument(Syntax syntax, List<Entry> entries, String newline) {
        this.syntax = syntax;
        this.entries = entries;
        this.newline = newline;
    }

    /** {@link Syntax#PROPERTIES} for {@code *.properties}, otherwise {@link Syntax#ENV}. */
    public static Syntax syntaxFor(Path file) {
        return file.getFileName().toString().endsWith(".properties") ? Syntax.PROPERTIES : Syntax.ENV;
    }

    /** Whether a file name looks like a key-value config ({@code .env}, {@code *.env}, {@code .env.*}, {@code *.properties}). */
    public static boolean isKeyValueFile(Path file) {
        String n = file.getFileName().toString();
        return n.equals(".env") || n.startsWith(".env.") || n.endsWith(".env") || n.endsWith(".properties");
    }

    public static EnvDocument parse(byte[] bytes, Syntax syntax) {
        return parse(new String(bytes, StandardCharsets.ISO_8859_1), syntax);
    }

    /** Parses byte-string text. */
    public static EnvDocument parse(String text, Syntax syntax) {
        List<String> physical = splitLines(text);
        String nl = "\n";
        for (String l : physical) {
            if (l.endsWith("\r\n")) {
                nl = "\r\n";
                break;
            }
            if (l.endsWith("\n")) {
                break;
            }
        }
        List<Entry> entries = new ArrayList<>();
        int i = 0;
        while (i < physical.size()) {
            int consumed = syntax == Syntax.ENV ? parseEnv(physical, i, entries) : parseProperties(physical, i, entries);
            i += consumed;
        }
        return new EnvDocument(syntax, entries, nl);
    }

    private static List<String> splitLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static String strip(String line) {
        if (line.endsWith("\r\n")) {
            return line.substring(0, line.length() - 2);
        }
        return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    private static int parseEnv(List<String> physical, int i, List<Entry> out) {
        String raw = physical.get(i);
        String line = strip(raw);
        String t = line.stripLeading();
        if (t.isEmpty() || t.startsWith("#")) {
            out.add(new Entry(List.of(raw), null, null, null));
            return 1;
        }
        String s = t;
        if (s.startsWith("export ") || s.startsWith("export\t")) {
            s = s.substring(7).stripLeading();
        }
        int eq = s.indexOf('=');
        String key = eq > 0 ? s.substring(0, eq).strip() : "";
        if (!KEY.matcher(key).matches()) {
            out.add(new Entry(List.of(raw), null, null, null));
            return 1;
        }
        int prefixLen = line.length() - s.length() + eq + 1;
        while (prefixLen < line.length() && (line.charAt(prefixLen) == ' ' || line.charAt(prefixLen) == '\t')) {
            prefixLen++;
        }
        String prefix = line.substring(0, prefixLen);
        String value = line.substring(prefixLen);
        List<String> lines = new ArrayList<>();
        lines.add(raw);
        if (!value.isEmpty() && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                && closingQuote(value, 1, value.charAt(0)) < 0) {
            char q = value.charAt(0);
            StringBuilder v = new StringBuilder(value);
            int j = i + 1;
            while (j < physical.size()) {
                String next = strip(physical.get(j));
                lines.add(physical.get(j));
                v.append('\n').append(next);
                j++;
                if (closingQuote(next, 0, q) >= 0) {
                    break;
                }
            }
            if (closingQuote(v.toString(), 1, q) < 0) {
                // never closed: treat the first line alone as the entry, like most loaders do
                out.add(new Entry(List.of(raw), key, prefix, value));
                return 1;
            }
            value = v.toString();
        }
        out.add(new Entry(lines, key, prefix, value));
        return lines.size();
    }

    private static int closingQuote(String s, int from, char q) {
        for (int k = from; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\' && q == '"') {
                k++;
            } else if (c == q) {
                return k;
            }
        }
        return -1;
    }

    private static int parseProperties(List<String> physical, int i, List<Entry> out) {
        String raw = physical.get(i);
        String line = strip(raw);
        String t = line.stripLeading();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
            out.add(new Entry(List.of(raw), null, null, null));
            return 1;
        }
        int start = line.length() - t.length();
        int k = start;
        while (k < line.length()) {
            char c = line.charAt(k);
            if (c == '\\') {
                k += 2;
                continue;
            }
            if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') {
                break;
            }
            k++;
        }
        String key = line.substring(start, Math.min(k, line.length()));
        int p = Math.min(k, line.length());
        while (p < line.length() && (line.charAt(p) == ' ' || line.charAt(p) == '\t' || line.charAt(p) == '\f')) {
            p++;
        }
        if (p < line.length() && (line.charAt(p) == '=' || line.charAt(p) == ':')) {
            p++;
            while (p < line.length() && (line.charAt(p) == ' ' || line.charAt(p) == '\t' || line.charAt(p) == '\f')) {
                p++;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(raw);
        StringBuilder value = new StringBuilder(line.substring(p));
        String cur = line;
        int j = i + 1;
        while (endsWithContinuation(cur) && j < physical.size()) {
            cur = strip(physical.get(j));
            lines.add(physical.get(j));
            value.append('\n').append(cur);
            j++;
        }
        if (!KEY.matcher(key).matches()) {
            out.add(new Entry(lines, null, null, null));
        } else {
            out.add(new Entry(lines, key, line.substring(0, p), value.toString()));
        }
        return lines.size();
    }

    private static boolean endsWithContinuation(String line) {
        int n = 0;
        for (int k = line.length() - 1; k >= 0 && line.charAt(k) == '\\'; k--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** Converts a Java string to the byte-string form (UTF-8 bytes, one char each). */
    public static String toByteString(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Converts a byte string back to a Java string, reading its bytes as UTF-8. */
    public static String fromByteString(String s) {
        return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * Sets every entry of {@code key} to {@code value} (a Java string), keeping each entry's own
     * prefix ({@code export KEY = }) and quote style; appends {@code KEY=value} when absent.
     */
    public void set(String key, String value) {
        boolean found = false;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.isKey(key)) {
                found = true;
                String v = toByteString(quoteLike(e.value(), value));
                String term = e.terminator();
                String line = e.prefix() + v + term;
                entries.set(i, new Entry(List.of(line), key, e.prefix(), v));
            }
        }
        if (!found) {
            if (!entries.isEmpty()) {
                Entry last = entries.get(entries.size() - 1);
                if (last.terminator().isEmpty()) {
                    List<String> lines = new ArrayList<>(last.lines());
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1) + newline);
                    entries.set(entries.size() - 1, new Entry(lines, last.key(), last.prefix(), last.value()));
                }
            }
            String v = toByteString(syntax == Syntax.ENV ? quoteNew(value) : value);
            entries.add(new Entry(List.of(key + "=" + v + newline), key, key + "=", v));
        }
    }

    /** Removes every entry of {@code key}; comments and other lines stay. */
    public void remove(String key) {
        entries.removeIf(e -> e.isKey(key));
    }

    private String quoteLike(String old, String value) {
        if (syntax != Syntax.ENV || isQuoted(value)) {
            return value;
        }
        if (old != null && !old.isEmpty() && (old.charAt(0) == '"' || old.charAt(0) == '\'')) {
            char q = old.charAt(0);
            if (value.indexOf(q) < 0 && value.indexOf('\\') < 0) {
                return q + value + q;
            }
        }
        return quoteNew(value);
    }

    private static String quoteNew(String value) {
        if (isQuoted(value) || BARE_VALUE.matcher(value).matches()) {
            return value;
        }
        if (value.indexOf('\'') < 0) {
            return "'" + value + "'";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\' || c == '$' || c == '`') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    private static boolean isQuoted(String v) {
        return v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0);
    }

    /** The document as byte-string text. */
    public String render() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            e.lines().forEach(b::append);
        }
        return b.toString();
    }

    public byte[] toBytes() {
        return render().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Every key with its value as a Java string (quotes removed), in file order; for a key that
     * appears more than once, the last value wins (as loaders do).
     */
    public Map<String, String> values() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.key() != null) {
                String v = fromByteString(e.value()).strip();
                if (syntax == Syntax.ENV && isQuoted(v)) {
                    v = v.substring(1, v.length() - 1);
                }
                m.remove(e.key());
                m.put(e.key(), v);
            }
        }
        return m;
    }
}
