package dev.backstep.testkit;

import dev.backstep.RunResult;
import dev.backstep.spi.Journal;
import java.nio.file.Path;

/**
 * The JVM a {@link CrashRehearsal} kills: {@code FACTORY WORK STATE N} runs the factory's plan
 * (with a forced failure at its end) and, right after the N-th journal record is durable, prints
 * {@code CRASH-POINT N <record>} and blocks until killed; {@code FINISHED <records> <status>} if
 * it gets to the end.
 */
final class CrashRehearsalChild {
    private CrashRehearsalChild() {
    }

    public static void main(String[] args) throws Exception {
        PlanFactory factory = CrashRehearsal.instantiate(Class.forName(args[0]));
        Path work = Path.of(args[1]);
        Path state = Path.of(args[2]);
        long crashAfter = Long.parseLong(args[3]);
        long[] count = {0};
        try (Journal durable = Journal.directory(state.resolve("journal"))) {
            Journal crashing = FreezingJournal.after(durable, record -> ++count[0] == crashAfter,
                    record -> "CRASH-POINT " + crashAfter + " " + record.type()
                            + record.step().map(s -> " '" + s + "'").orElse(""));
            RunResult r = factory.runner(state, crashing).run(CrashRehearsal.withForcedFailure(factory.plan(work)));
            System.out.println("FINISHED " + count[0] + " " + r.status());
            System.out.flush();
        }
    }
}
