package dev.backstep.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A thread-safe, ordered log shared by {@link FakeStep}s: {@code "do a"}, {@code "undo a"}.
 *
 * <pre>{@code
 * Trace trace = new Trace();
 * Plan plan = Plan.named("p").step(FakeStep.named("a").trace(trace).build()).build();
 * runner.run(plan);
 * assertThat(trace.entries()).containsExactly("do a");
 * }</pre>
 */
public final class Trace {
    private final List<String> entries = Collections.synchronizedList(new ArrayList<>());

    public void add(String entry) {
        entries.add(entry);
    }

    public List<String> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    @Override
    public String toString() {
        return entries().toString();
    }
}
