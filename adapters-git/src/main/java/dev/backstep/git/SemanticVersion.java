package dev.backstep.git;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version read from a tag name: {@code MAJOR.MINOR[.PATCH][-PRERELEASE][+BUILD]} with an
 * optional leading {@code v} or {@code V} ({@code v1.10.0}, {@code 2.0}, {@code v3.0.0-rc.1}).
 * Ordered by Semantic Versioning 2.0 precedence: numerically, a pre-release before its release
 * ({@code 1.0.0-rc.1 < 1.0.0}), build metadata ignored. A missing patch counts as 0.
 *
 * <pre>{@code
 * SemanticVersion.parse("v1.10.0").orElseThrow().compareTo(SemanticVersion.parse("v1.9.0").orElseThrow()); // > 0
 * SemanticVersion.parse("latest"); // empty
 * }</pre>
 *
 * @param major major number
 * @param minor minor number
 * @param patch patch number (0 when the tag has none)
 * @param preRelease the dot-separated pre-release identifiers, empty for a release
 * @param build build metadata, empty when none (does not affect ordering)
 */
public record SemanticVersion(long major, long minor, long patch, List<String> preRelease, String build)
        implements Comparable<SemanticVersion> {

    private static final String IDS = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
    private static final Pattern TAG = Pattern.compile(
            "[vV]?(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})(?:\\.(0|[1-9]\\d{0,17}))?(?:-(" + IDS + "))?(?:\\+(" + IDS + "))?");
    private static final Pattern NUMERIC = Pattern.compile("\\d+");

    private static final Comparator<SemanticVersion> ORDER = Comparator
            .comparingLong(SemanticVersion::major)
            .thenComparingLong(SemanticVersion::minor)
            .thenComparingLong(SemanticVersion::patch)
            .thenComparing(SemanticVersion::preRelease, SemanticVersion::comparePreRelease);

    public SemanticVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
        preRelease = List.copyOf(preRelease);
        Objects.requireNonNull(build, "build");
    }

    /** The version a tag name spells, or empty when it is not a version. */
    public static Optional<SemanticVersion> parse(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        Matcher m = TAG.matcher(tag);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return Optional.of(new SemanticVersion(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                m.group(3) == null ? 0 : Long.parseLong(m.group(3)), pre, m.group(5) == null ? "" : m.group(5)));
    }

    /** True for a pre-release ({@code 1.0.0-rc.1}). */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    @Override
    public int compareTo(SemanticVersion o) {
        return ORDER.compare(this, o);
    }

    private static int comparePreRelease(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty());
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareIdentifier(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareIdentifier(String x, String y) {
        boolean xn = NUMERIC.matcher(x).matches();
        boolean yn = NUMERIC.matcher(y).matches();
        if (xn && yn) {
            String xs = x.replaceFirst("^0+(?=.)", "");
            String ys = y.replaceFirst("^0+(?=.)", "");
            return xs.length() != ys.length() ? Integer.compare(xs.length(), ys.length()) : xs.compareTo(ys);
        }
        if (xn != yn) {
            return xn ? -1 : 1;
        }
        return x.compareTo(y);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + String.join(".", preRelease))
                + (build.isEmpty() ? "" : "+" + build);
    }
}
