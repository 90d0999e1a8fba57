package dev.backstep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A read-only description of the state of one resource a step touches: a name such as
 * {@code file:/srv/shop/.env}, {@code git:/srv/shop-src} or {@code release:/srv/shop}, and facts
 * (short strings: checksums, modes, commit ids, link targets; never content or secrets). Two
 * fingerprints of the same resource taken before a run and after its rollback must be equal when
 * the rollback restored exactly what was there; {@link #differences} says what is not.
 *
 * <pre>{@code
 * Fingerprint before = new Fingerprint("file:/srv/shop/.env", Map.of("mode", "rw-r-----", "sha256", "9f2c..."));
 * Fingerprint after = new Fingerprint("file:/srv/shop/.env", Map.of("mode", "rw-------", "sha256", "9f2c..."));
 * Fingerprint.differences(List.of(before), List.of(after));
 * // [file:/srv/shop/.env: mode rw-r----- -> rw-------]
 * }</pre>
 *
 * <p>Immutable; the facts are sorted by name.
 *
 * @param resource what is described, {@code <kind>:<location>}
 * @param facts fact name to value, sorted by name
 */
public record Fingerprint(String resource, Map<String, String> facts) {

    /** How a fact that one side has and the other lacks is shown in {@link #differences}. */
    public static final String ABSENT = "(absent)";

    /**
     * @throws IllegalArgumentException for a blank resource, a blank fact name or a null value
     */
    public Fingerprint {
        Objects.requireNonNull(resource, "resource");
        if (resource.isBlank()) {
            throw new IllegalArgumentException("a fingerprint needs a non-blank resource name");
        }
        Objects.requireNonNull(facts, "facts");
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : facts.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("fingerprint of " + resource + " has a blank fact name");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("fact '" + e.getKey() + "' of " + resource + " is null");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        facts = Collections.unmodifiableMap(sorted);
    }

    /** A fingerprint with one fact. */
    public static Fingerprint of(String resource, String fact, String value) {
        return new Fingerprint(resource, Map.of(fact, value));
    }

    /** The value of a fact, or {@link #ABSENT}. */
    public String fact(String name) {
        return facts.getOrDefault(name, ABSENT);
    }

    /**
     * One fingerprint per resource, in order of first appearance: fingerprints of the same
     * resource (several steps touching one file or repository) are merged, the facts of the first
     * winning when two name the same fact.
     */
    public static List<Fingerprint> merge(Collection<Fingerprint> fingerprints) {
        Map<String, Map<String, String>> byResource = new LinkedHashMap<>();
        for (Fingerprint f : fingerprints) {
            Map<String, String> facts = byResource.computeIfAbsent(f.resource(), r -> new TreeMap<>());
            f.facts().forEach(facts::putIfAbsent);
        }
        List<Fingerprint> out = new ArrayList<>(byResource.size());
        byResource.forEach((r, facts) -> out.add(new Fingerprint(r, facts)));
        return List.copyOf(out);
    }

    /**
     * What differs between two descriptions of the same resources, one line per fact, sorted by
     * resource and fact: {@code file:/srv/shop/.env: mode rw-r----- -> rw-------}. Fingerprints of
     * one resource are {@link #merge merged} first; a resource only one side describes is a
     * difference too. Empty when both sides are equal.
     */
    public static List<String> differences(Collection<Fingerprint> before, Collection<Fingerprint> after) {
        Map<String, Map<String, String>> b = index(before);
        Map<String, Map<String, String>> a = index(after);
        TreeSet<String> resources = new TreeSet<>(b.keySet());
        resources.addAll(a.keySet());
        List<String> out = new ArrayList<>();
        for (String r : resources) {
            Map<String, String> fb = b.get(r);
            Map<String, String> fa = a.get(r);
            if (fb == null) {
                out.add(r + ": not described before, described after " + fa);
                continue;
            }
            if (fa == null) {
                out.add(r + ": described before " + fb + ", not described after");
                continue;
            }
            TreeSet<String> names = new TreeSet<>(fb.keySet());
            names.addAll(fa.keySet());
            for (String n : names) {
                String vb = fb.getOrDefault(n, ABSENT);
                String va = fa.getOrDefault(n, ABSENT);
                if (!vb.equals(va)) {
                    out.add(r + ": " + n + " " + vb + " -> " + va);
                }
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, Map<String, String>> index(Collection<Fingerprint> fingerprints) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Fingerprint f : merge(Objects.requireNonNull(fingerprints, "fingerprints"))) {
            out.put(f.resource(), f.facts());
        }
        return out;
    }

    /** {@code resource {fact=value, ...}}. */
    @Override
    public String toString() {
        return resource + " " + facts;
    }
}
