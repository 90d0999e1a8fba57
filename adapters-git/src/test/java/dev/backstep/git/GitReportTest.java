package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitReportTest {
    @TempDir
    Path tmp;

    @Test
    void reportSaysWhereHeadMovedFromAndTo() {
        GitSandbox sb = new GitSandbox(tmp);
        Path repo = sb.newRepo();
        String first = sb.commit(repo, "app.txt", "1", "first");
        sb.git(repo, "tag", "v1");
        String second = sb.commit(repo, "app.txt", "2", "second");
        Plan plan = Plan.named("back to v1").step(Git.checkout(repo, "v1")).build();

        RunResult r = Backstep.runner().stateDir(tmp.resolve("state")).commands(sb.commands()).build().run(plan);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.step("git checkout v1").summary())
                .contains("HEAD " + second.substring(0, 7) + " -> " + first.substring(0, 7) + " (v1)");
        assertThat(r.report().toText()).contains("| HEAD " + second.substring(0, 7) + " -> " + first.substring(0, 7));
    }
}
