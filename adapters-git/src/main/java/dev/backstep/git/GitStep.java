package dev.backstep.git;

import dev.backstep.Step;
import java.nio.file.Path;

/**
 * A step that runs the {@code git} command line in one repository through the run's
 * {@link dev.backstep.spi.CommandRunner}, so the user's git configuration, credential helpers
 * and hooks keep working. Created by the {@link Git} factories; immutable.
 *
 * <pre>{@code
 * GitStep step = Git.checkout(repo, "v1.3.0").stashChanges();
 * Path where = step.repository();
 * }</pre>
 */
public sealed interface GitStep extends Step permits GitCheckout, GitPull, GitFetch, GitReset, GitTag {

    /** The repository (or a directory inside it) the step works in, absolute. */
    Path repository();

    /** The git executable: {@code git} (looked up on the PATH) unless set with {@code using}. */
    String gitExecutable();
}
