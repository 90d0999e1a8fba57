package dev.backstep.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandboxed repository on branch main with two commits: {@code c1} ({@code app.txt = "v1"},
 * tagged {@code v1.0.0} unless {@link #tagsFirstCommit()} says otherwise) and {@code c2}
 * ({@code app.txt = "v2"}, the HEAD). Set up before any {@code @BeforeEach} of a subclass.
 */
abstract class TwoCommitRepoTest {
    @TempDir
    Path tmp;
    GitSandbox sb;
    Path repo;
    String c1;
    String c2;

    /** Whether the first commit gets the tag {@code v1.0.0}. */
    boolean tagsFirstCommit() {
        return true;
    }

    @BeforeEach
    void setUpTwoCommitRepo() {
        sb = new GitSandbox(tmp);
        repo = sb.newRepo();
        c1 = sb.head(repo);
        if (tagsFirstCommit()) {
            sb.git(repo, "tag", "v1.0.0");
        }
        c2 = sb.commit(repo, "app.txt", "v2", "second");
    }

    /** A clone of {@code repo} one commit behind its origin, and that commit. */
    record Behind(Path work, String c3) {
    }

    /**
     * Pushes main of {@code repo} to a new bare origin and clones it to {@code work}; another clone
     * then commits {@code app.txt = "v3"}, tags it with {@code tags} and pushes main and the tags.
     */
    Behind cloneBehindOrigin(String... tags) {
        Path origin = sb.newBare();
        sb.git(repo, "push", "-q", origin.toString(), "main");
        Path work = sb.cloneOf(origin);
        Path other = sb.cloneOf(origin);
        String c3 = sb.commit(other, "app.txt", "v3", "third");
        List<String> push = new ArrayList<>(List.of("push", "-q", "origin", "main"));
        for (String tag : tags) {
            sb.git(other, "tag", tag);
            push.add(tag);
        }
        sb.git(other, push.toArray(String[]::new));
        return new Behind(work, c3);
    }
}
