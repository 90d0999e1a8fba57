package dev.backstep.git;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.spi.Journal;
import java.nio.file.Path;

/**
 * A deploy process for {@link GitPlanIT}: runs "checkout v1.0.0" with a directory journal; the
 * test kills it (kill -9) while git is inside the checkout. Its environment isolates git.
 * Arguments: repository, journal directory, state directory.
 */
public final class GitCrashMain {
    private GitCrashMain() {
    }

    public static void main(String[] args) {
        Path repo = Path.of(args[0]);
        Plan plan = Plan.named("deploy v1.0.0").target("shop").step(Git.checkout(repo, "v1.0.0")).build();
        Backstep.runner().journal(Journal.directory(Path.of(args[1]))).stateDir(Path.of(args[2])).build().run(plan);
        System.exit(3); // not reached: the test kills this process during the checkout
    }
}
