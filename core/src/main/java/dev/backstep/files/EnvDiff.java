package dev.backstep.files;

import dev.backstep.Secret;
import dev.backstep.files.internal.EnvDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key-by-key difference between two {@code .env} or {@code .properties} texts, safe to print:
 * values of secret-looking keys are replaced by {@code ****} and credentials inside URLs
 * ({@code postgres://app:pw@db/shop}) are masked. Comments, order and blank lines are not part of
 * the diff. Dry-runs and reports of {@link ConfigFile#edit} use it.
 *
 * <pre>{@code
 * EnvDiff diff = EnvDiff.of(Path.of(".env.prod.previous"), Path.of(".env.prod"));
 * System.out.println(diff.toText());
 * // - APP_VERSION=1.2.0
 * // + APP_VERSION=1.3.0
 * // - DB_PASSWORD=****
 * // + DB_PASSWORD=****
 * // + DATABASE_URL=postgres://app:****@db/shop
 * }</pre>
 *
 * <p>Immutable. It never holds a clear secret value: masking happens when it is built.
 */
public final class EnvDiff {
    private static final List<String> SECRET_WORDS = List.of("PASSWORD", "PASSWD", "PASS", "PWD", "SECRET",
            "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "AUTH", "SALT", "COOKIE", "SIGNATURE");
    private static final Pattern URL_USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://)([^/@\\s]+)@");

    /** How a key changed. */
    public enum Kind { ADDED, REMOVED, CHANGED }

    /**
     * One changed key, values already masked.
     *
     * @param kind added, removed or changed
     * @param key the key
     * @param before the masked value before, empty when added
     * @param after the masked value after, empty when removed
     */
    public record Change(Kind kind, String key, Optional<String> before, Optional<String> after) {
        public Change {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }
    }

    private final List<Change> changes;

    private EnvDiff(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    /** The diff of two {@code .env}-syntax texts. */
    public static EnvDiff between(String before, String after) {
        return between(before, after, Set.of());
    }

    /**
     * The diff of two {@code .env}-syntax texts, also masking the values of {@code secretKeys}
     * (keys whose names do not look secret but whose values are).
     */
    public static EnvDiff between(String before, String after, Collection<String> secretKeys) {
        return of(parse(before, EnvDocument.Syntax.ENV), parse(after, EnvDocument.Syntax.ENV), secretKeys);
    }

    /**
     * The diff of two files; a {@code *.properties} name selects properties syntax. A file that
     * does not exist counts as empty.
     *
     * @throws UncheckedIOException when a file exists but cannot be read
     */
    public static EnvDiff of(Path before, Path after) {
        return of(EnvDocument.parse(readOrEmpty(before), EnvDocument.syntaxFor(before)).values(),
                EnvDocument.parse(readOrEmpty(after), EnvDocument.syntaxFor(after)).values(), Set.of());
    }

    private static byte[] readOrEmpty(Path p) {
        try {
            return Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static Map<String, String> parse(String text, EnvDocument.Syntax syntax) {
        return EnvDocument.parse(EnvDocument.toByteString(Objects.requireNonNull(text, "text")), syntax).values();
    }

    /** Builds the diff from parsed key-value maps (in file order). */
    static EnvDiff of(Map<String, String> before, Map<String, String> after, Collection<String> secretKeys) {
        return of(before, after, secretKeys, Set.of());
    }

    /**
     * Builds the diff, also masking every value that holds one of {@code secretValues} (a
     * secret's value written under another key, or the old value of a removed key).
     */
    static EnvDiff of(Map<String, String> before, Map<String, String> after, Collection<String> secretKeys,
                      Collection<String> secretValues) {
        Set<String> secret = Set.copyOf(secretKeys);
        List<String> values = secretValues.stream().filter(v -> !v.isEmpty()).toList();
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, String> e : before.entrySet()) {
            String k = e.getKey();
            String m = mask(k, e.getValue(), secret, values);
            if (!after.containsKey(k)) {
                out.add(new Change(Kind.REMOVED, k, Optional.of(m), Optional.empty()));
            } else if (!after.get(k).equals(e.getValue())) {
                out.add(new Change(Kind.CHANGED, k, Optional.of(m), Optional.of(mask(k, after.get(k), secret, values))));
            }
        }
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                out.add(new Change(Kind.ADDED, e.getKey(), Optional.empty(),
                        Optional.of(mask(e.getKey(), e.getValue(), secret, values))));
            }
        }
        return new EnvDiff(out);
    }

    /** {@link #mask(String, String)}, and {@code ****} for a value holding one of {@code secretValues}. */
    static String mask(String key, String value, Set<String> secretKeys, Collection<String> secretValues) {
        for (String v : secretValues) {
            if (!v.isEmpty() && value.contains(v)) {
                return Secret.MASK;
            }
        }
        return mask(key, value, secretKeys);
    }

    /**
     * Whether a key's name looks like it holds a secret: it contains PASSWORD, PASS, PWD, SECRET,
     * TOKEN, KEY, CREDENTIAL, PRIVATE, AUTH, SALT, COOKIE or SIGNATURE (any case).
     */
    public static boolean isSecretKey(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value as it may be shown: {@code ****} for a secret-looking key (an empty value stays
     * empty), otherwise with the credentials of any URL in it masked.
     */
    public static String mask(String key, String value) {
        return mask(key, value, Set.of());
    }

    private static String mask(String key, String value, Set<String> secretKeys) {
        if (value.isEmpty()) {
            return value;
        }
        if (secretKeys.contains(key) || isSecretKey(key)) {
            return Secret.MASK;
        }
        return maskUrlCredentials(value);
    }

    /** Replaces the password of {@code scheme://user:password@host} (or a lone token user) by {@code ****}. */
    public static String maskUrlCredentials(String value) {
        Matcher m = URL_USERINFO.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String info = m.group(2);
            int colon = info.indexOf(':');
            String masked = colon >= 0 ? info.substring(0, colon) + ":" + Secret.MASK : Secret.MASK;
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + masked + "@"));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The changes: removed and changed keys in the old file's order, then added keys. */
    public List<Change> changes() {
        return changes;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /**
     * One {@code - KEY=old} / {@code + KEY=new} line per side of each change, or
     * {@code (no changes)}; lines end with {@code \n}.
     */
    public String toText() {
        if (changes.isEmpty()) {
            return "(no changes)\n";
        }
        StringBuilder b = new StringBuilder();
        for (Change c : changes) {
            c.before().ifPresent(v -> b.append("- ").append(c.key()).append('=').append(v).append('\n'));
            c.after().ifPresent(v -> b.append("+ ").append(c.key()).append('=').append(v).append('\n'));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return toText();
    }
}
