package dev.backstep;

import dev.backstep.internal.RunnerBuilder;

/**
 * Entry point.
 *
 * <pre>{@code
 * Runner runner = Backstep.runner().journal(Journal.inMemory()).build();
 * RunResult result = runner.run(plan);
 * }</pre>
 */
public final class Backstep {
    private Backstep() {
    }

    /** A builder of {@link Runner}s, with defaults from {@link Defaults}. */
    public static Runner.Builder runner() {
        return new RunnerBuilder();
    }

    /** A runner with every default: in-memory journal, sequential compensation, no listener. */
    public static Runner defaultRunner() {
        return runner().build();
    }
}
