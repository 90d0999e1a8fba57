package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitReleasesTest {
    @TempDir
    Path tmp;

    @Test
    void releasesAreSortedByVersionWithNonVersionTagsLeftOut() {
        GitSandbox sb = new GitSandbox(tmp);
        Path repo = sb.newRepo();
        String c1 = sb.head(repo);
        sb.git(repo, "tag", "v1.9.0");
        sb.git(repo, "tag", "latest");
        String c2 = sb.commit(repo, "app.txt", "v2", "second");
        sb.git(repo, "tag", "-a", "-m", "ten", "v1.10.0");
        sb.git(repo, "tag", "v2.0.0-rc.1");
        sb.git(repo, "tag", "deployed-2025-06-01");
        String c3 = sb.commit(repo, "app.txt", "v3", "third");
        sb.git(repo, "tag", "v2.0.0");
        sb.git(repo, "tag", "1.2");
        String tree = sb.git(repo, "rev-parse", "HEAD^{tree}");
        sb.git(repo, "tag", "v9.9.9", tree);

        List<GitRelease> releases = Git.releases(repo, sb.commands());

        assertThat(releases).extracting(GitRelease::tag)
                .containsExactly("1.2", "v1.9.0", "v1.10.0", "v2.0.0-rc.1", "v2.0.0");
        assertThat(releases).extracting(GitRelease::commit).containsExactly(c3, c1, c2, c2, c3);
        assertThat(releases.get(3).isStable()).isFalse();
        assertThat(GitRelease.previousStable(releases, "v2.0.0")).map(GitRelease::tag).contains("v1.10.0");
        assertThat(GitRelease.previousStable(releases, "v1.10.0")).map(GitRelease::tag).contains("v1.9.0");
        assertThat(GitRelease.previousStable(releases, "1.2")).isEmpty();
        assertThat(GitRelease.previousStable(releases, "latest")).isEmpty();
    }

    @Test
    void semanticVersionsOrderBySemverPrecedence() {
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.2", "1.9.0", "V1.10.0+build.5");
        List<SemanticVersion> parsed = ordered.stream().map(t -> SemanticVersion.parse(t).orElseThrow()).toList();
        for (int i = 1; i < parsed.size(); i++) {
            assertThat(parsed.get(i - 1)).as(ordered.get(i - 1) + " < " + ordered.get(i))
                    .isLessThan(parsed.get(i));
        }
        assertThat(SemanticVersion.parse("v1.10.0+build.5").orElseThrow())
                .isEqualByComparingTo(SemanticVersion.parse("1.10.0").orElseThrow());
        assertThat(SemanticVersion.parse("V1.10.0+build.5").orElseThrow().toString()).isEqualTo("1.10.0+build.5");
    }

    @Test
    void namesThatAreNotVersionsDoNotParse() {
        for (String tag : List.of("latest", "release-1.2.3", "1", "v01.2.3", "1.2.3.4", "1.2.3-", "v1.2.x", "")) {
            assertThat(SemanticVersion.parse(tag)).as(tag).isEmpty();
        }
    }
}
