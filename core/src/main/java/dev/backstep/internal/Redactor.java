package dev.backstep.internal;

import dev.backstep.Secret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every occurrence of a set of secret values with {@link Secret#MASK}. Immutable and
 * thread-safe. Empty secret values are ignored (there is nothing to hide).
 *
 * <pre>{@code
 * Redactor r = Redactor.of(List.of(Secret.of("hunter2")));
 * r.redact("password=hunter2"); // "password=****"
 * }</pre>
 *
 * <p>Only the literal value is found: a secret the program prints in another form (encoded,
 * split over lines) is not recognised.
 */
public final class Redactor {
    /** Redacts nothing. */
    public static final Redactor NONE = new Redactor(List.of());

    private static final byte[] MASK_BYTES = Secret.MASK.getBytes(StandardCharsets.UTF_8);

    /** Longest first, so that a secret containing another one is masked as a whole. */
    private final List<String> secrets;
    private final List<byte[]> secretBytes;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
        List<byte[]> bytes = new ArrayList<>();
        for (String s : secrets) {
            bytes.add(s.getBytes(StandardCharsets.UTF_8));
        }
        bytes.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
        this.secretBytes = List.copyOf(bytes);
    }

    public static Redactor of(Collection<Secret> secrets) {
        Set<String> values = new LinkedHashSet<>();
        for (Secret s : secrets) {
            if (!s.reveal().isEmpty()) {
                values.add(s.reveal());
            }
        }
        if (values.isEmpty()) {
            return NONE;
        }
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(sorted));
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** {@code text} with every secret value replaced by {@link Secret#MASK}. */
    public String redact(String text) {
        if (secrets.isEmpty() || text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = null;
        int i = 0;
        int copiedUpTo = 0;
        while (i < text.length()) {
            String hit = matchAt(text, i);
            if (hit == null) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copiedUpTo, i).append(Secret.MASK);
            i += hit.length();
            copiedUpTo = i;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copiedUpTo, text.length()).toString();
    }

    /** Each element redacted. */
    public List<String> redact(List<String> texts) {
        if (secrets.isEmpty()) {
            return List.copyOf(texts);
        }
        List<String> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(redact(t));
        }
        return List.copyOf(out);
    }

    /**
     * How many bytes more than the output limit a capture buffer must keep so that a secret cut
     * at the start of the kept window can still be recognised (and dropped) by {@link #tail}.
     */
    public int overlap() {
        return secretBytes.isEmpty() ? 0 : secretBytes.get(0).length - 1;
    }

    /**
     * Decodes the last {@code limit} bytes of {@code window} as UTF-8, with every secret masked.
     * Secrets are searched in the whole window first, so that one straddling the cut is masked
     * rather than half shown; bytes before the cut are dropped. {@code cutAtStart} tells that the
     * window itself is not the start of the stream (a character may be split there).
     */
    public String tail(byte[] window, int limit, boolean cutAtStart) {
        int n = window.length;
        int cut = Math.max(0, n - limit);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, limit) + 16);
        int i = 0;
        while (i < n) {
            int len = secretBytes.isEmpty() ? 0 : matchAt(window, i);
            if (len > 0) {
                if (i + len > cut) {
                    out.write(MASK_BYTES, 0, MASK_BYTES.length);
                }
                i += len;
            } else {
                if (i >= cut) {
                    out.write(window[i]);
                }
                i++;
            }
        }
        byte[] kept = out.toByteArray();
        int skip = 0;
        if (cut > 0 || cutAtStart) {
            // do not start in the middle of a multi-byte character
            while (skip < kept.length && skip < 3 && (kept[skip] & 0xC0) == 0x80) {
                skip++;
            }
        }
        String text = new String(kept, skip, kept.length - skip, StandardCharsets.UTF_8);
        return redact(text);
    }

    private String matchAt(String text, int i) {
        for (String s : secrets) {
            if (text.startsWith(s, i)) {
                return s;
            }
        }
        return null;
    }

    private int matchAt(byte[] data, int i) {
        for (byte[] s : secretBytes) {
            if (i + s.length <= data.length
                    && Arrays.equals(data, i, i + s.length, s, 0, s.length)) {
                return s.length;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " secrets]";
    }
}
