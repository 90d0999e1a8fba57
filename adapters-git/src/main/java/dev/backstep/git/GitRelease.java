package dev.backstep.git;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tag whose name is a version, with the commit it points to (annotated tags peeled). Listed by
 * {@link Git#releases(java.nio.file.Path)}, oldest version first.
 *
 * <pre>{@code
 * List<GitRelease> releases = Git.releases(repo);
 * Optional<GitRelease> previous = GitRelease.previousStable(releases, "v1.3.0");
 * previous.ifPresent(r -> plan.step(Git.checkout(repo, r.tag())));
 * }</pre>
 *
 * @param tag the tag name ({@code v1.3.0})
 * @param commit the full id of the commit it names
 * @param version the version its name spells
 */
public record GitRelease(String tag, String commit, SemanticVersion version) implements Comparable<GitRelease> {

    public GitRelease {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(version, "version");
    }

    /** True when the version is not a pre-release. */
    public boolean isStable() {
        return !version.isPreRelease();
    }

    /** By version, then by tag name (so {@code v1.2} and {@code v1.2.0} keep a fixed order). */
    @Override
    public int compareTo(GitRelease o) {
        int c = version.compareTo(o.version);
        return c != 0 ? c : tag.compareTo(o.tag);
    }

    /**
     * The newest stable release whose version is lower than the version {@code currentTag}
     * spells: "the previous stable tag" to roll back to. Empty when there is none or when
     * {@code currentTag} is not a version.
     */
    public static Optional<GitRelease> previousStable(List<GitRelease> releases, String currentTag) {
        Optional<SemanticVersion> current = SemanticVersion.parse(currentTag);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        GitRelease best = null;
        for (GitRelease r : releases) {
            if (r.isStable() && r.version.compareTo(current.get()) < 0
                    && (best == null || r.compareTo(best) > 0)) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }
}
