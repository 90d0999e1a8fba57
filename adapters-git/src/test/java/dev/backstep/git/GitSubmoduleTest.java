package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.StepContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSubmoduleTest {
    @TempDir
    Path tmp;

    @Test
    void submodulesFollowTheCheckoutAndItsUndo() throws Exception {
        GitSandbox sb = new GitSandbox(tmp);
        Path lib = sb.newRepo();
        String lib1 = sb.head(lib);
        String lib2 = sb.commit(lib, "app.txt", "lib v2", "lib second");
        Path app = sb.newRepo();
        sb.git(app, "submodule", "add", "-q", lib.toString(), "lib");
        sb.git(app, "-C", "lib", "checkout", "-q", lib1);
        sb.git(app, "add", "lib");
        sb.git(app, "commit", "-q", "-m", "lib at 1");
        sb.git(app, "tag", "v1.0.0");
        sb.git(app, "-C", "lib", "checkout", "-q", lib2);
        sb.git(app, "add", "lib");
        String app2 = sb.commit(app, "app.txt", "v2", "lib at 2");
        Path libFile = app.resolve("lib/app.txt");
        assertThat(GitSandbox.read(libFile)).isEqualTo("lib v2");

        GitCheckout step = Git.checkout(app, "v1.0.0");
        assertThat(step.preview(GitHarness.validation(sb, step))).contains("updates submodules");
        StepContext ctx = GitHarness.execute(sb, step);

        assertThat(sb.git(app.resolve("lib"), "rev-parse", "HEAD")).isEqualTo(lib1);
        assertThat(GitSandbox.read(libFile)).isEqualTo("v1");
        assertThat(sb.status(app)).isEmpty();

        GitHarness.undo(sb, step, ctx);

        sb.assertAt(app, app2, "main", "v2");
        assertThat(sb.git(app.resolve("lib"), "rev-parse", "HEAD")).isEqualTo(lib2);
        assertThat(GitSandbox.read(libFile)).isEqualTo("lib v2");
        assertThat(sb.status(app)).isEmpty();
    }
}
