package dev.backstep.order;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.UnfinishedRunException;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;

/**
 * A deploy process for {@link RunOrderTest}. Every plan targets {@code shared} and writes
 * {@code VERSION=<name>} into {@code WORK/app.env}. Modes:
 * <ul>
 *   <li>{@code deploy STATE WORK NAME SKEW_MS HOLD}: deploys (its clock, hence its run id, is
 *       SKEW_MS ahead); with HOLD true it waits, holding the lock, until {@code WORK/go} exists;
 *       appends NAME to {@code WORK/order.log} while it holds the lock; prints {@code FINISHED
 *       <runId> <status>} or {@code REFUSED <unfinishedRun>}.</li>
 *   <li>{@code crash STATE WORK NAME MARKER [nolock]}: deploys (without a lock with
 *       {@code nolock}), with one more step touching a marker file when MARKER is true (its
 *       compensation is known only to this plan), then prints {@code CRASH-POINT} in its last
 *       step and blocks until killed.</li>
 * </ul>
 */
public final class OrderChild {

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[1]);
        Path work = Path.of(args[2]);
        String name = args[3];
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            switch (args[0]) {
                case "deploy" -> {
                    Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMillis(Long.parseLong(args[4])));
                    Runner runner = Backstep.runner().journal(journal).stateDir(state).clock(clock)
                            .lockWait(Duration.ofMinutes(3)).build();
                    boolean hold = Boolean.parseBoolean(args[5]);
                    if (!hold) { // tells the test that this process is about to ask for the lock
                        Files.createDirectories(state.resolve("waiting"));
                        Files.writeString(state.resolve("waiting").resolve(name), "");
                    }
                    try {
                        RunResult r = runner.run(plan(name, work, hold, false, false));
                        System.out.println("FINISHED " + r.runId() + " " + r.status());
                    } catch (UnfinishedRunException e) {
                        System.out.println("REFUSED " + e.unfinishedRun() + " " + e.getMessage());
                    }
                }
                case "crash" -> {
                    Runner.Builder b = Backstep.runner().journal(journal).stateDir(state);
                    if (args.length > 5 && args[5].equals("nolock")) {
                        b.lock(dev.backstep.spi.Lock.none());
                    }
                    Runner runner = b.build();
                    runner.run(plan(name, work, false, true, Boolean.parseBoolean(args[4])));
                    System.out.println("NOT KILLED");
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    static Plan plan(String name, Path work, boolean hold, boolean crash, boolean marker) {
        Plan.Builder p = Plan.named("deploy " + name).target("shared")
                .step(ConfigFile.replace(work.resolve("app.env"), "VERSION=" + name + "\n"));
        if (marker) {
            Path m = work.resolve("marker");
            p.step(Step.named("marker").action(ctx -> Files.writeString(m, name))
                    .compensation(ctx -> Files.deleteIfExists(m)).build());
        }
        return p.verify(Step.verification("hold the lock", ctx -> {
            Files.writeString(work.resolve("order.log"), name + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (crash) {
                System.out.println("CRASH-POINT");
                System.out.flush();
                Thread.sleep(Duration.ofMinutes(5).toMillis()); // SIGKILL ends this process
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (hold && !Files.exists(work.resolve("go")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        })).build();
    }
}
