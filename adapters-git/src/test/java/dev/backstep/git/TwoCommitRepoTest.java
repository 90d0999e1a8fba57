package dev.backstep.git;

import java.nio.file.Path;
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
}
