package dev.backstep.testkit;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Runner;
import dev.backstep.spi.Journal;
import java.nio.file.Path;

/**
 * Builds a plan, the resources it works on and its runner from a directory, for a
 * {@link CrashRehearsal}: it is called in a child JVM that is killed, and again in the test's JVM
 * that recovers. Implement it in a public class with a public no-arg constructor.
 *
 * <pre>{@code
 * public class ShopDeploy implements PlanFactory {
 *     public void prepare(Path dir) throws IOException {
 *         Files.writeString(dir.resolve("app.env"), "APP_VERSION=1\n");
 *     }
 *     public Plan plan(Path dir) {
 *         return Plan.named("deploy shop").target("shop")
 *             .step(ConfigFile.edit(dir.resolve("app.env")).set("APP_VERSION", "2"))
 *             .build();
 *     }
 * }
 * }</pre>
 */
public interface PlanFactory {
    /** Creates the state before the run in {@code dir} (empty, new for every boundary). */
    default void prepare(Path dir) throws Exception {
    }

    /** The plan, working on resources under {@code dir}; the same plan every time it is asked. */
    Plan plan(Path dir) throws Exception;

    /**
     * The runner for {@code journal} with {@code stateDir} as its state directory; override to add
     * a step registry, listeners or a command runner.
     */
    default Runner runner(Path stateDir, Journal journal) {
        return Backstep.runner().journal(journal).stateDir(stateDir).build();
    }
}
