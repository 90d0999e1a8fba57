package dev.backstep.testkit;

import dev.backstep.BackstepException;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Proves a user's plan recovers from a crash anywhere: runs the plan of a {@link PlanFactory} (with
 * a forced failure at its end, so that its compensations run too) in a child JVM, SIGKILLs that JVM
 * right after the n-th journal record for every n in turn, recovers in this JVM with a fresh runner
 * from the same factory ({@code runner.recover(plan)}), and compares the fingerprints of the plan's
 * steps (as {@code runner.rehearse} does) with those taken before the run. Each boundary gets a new
 * directory, prepared by {@link PlanFactory#prepare}.
 *
 * <pre>{@code
 * // a JUnit 5 test
 * void recoversFromAKillAnywhere(@TempDir Path tmp) {
 *     CrashRehearsal.of(ShopDeploy.class).in(tmp).assertRestoredAtEveryBoundary();
 * }
 * }</pre>
 *
 * <p>One JVM start per boundary: a plan with more boundaries than {@link #maxBoundaries} (40 by
 * default) is killed at that many, evenly spread and always including the first and the last, and
 * the result says so. Immutable.
 */
public final class CrashRehearsal {
    /** The name of the verification appended to the plan so that every compensation runs. */
    public static final String FORCED_FAILURE_STEP = "crash rehearsal: forced failure";

    private final Class<? extends PlanFactory> factory;
    private final Path dir;
    private final int maxBoundaries;
    private final Duration childTimeout;

    private CrashRehearsal(Class<? extends PlanFactory> factory, Path dir, int maxBoundaries, Duration childTimeout) {
        this.factory = factory;
        this.dir = dir;
        this.maxBoundaries = maxBoundaries;
        this.childTimeout = childTimeout;
    }

    /**
     * A crash rehearsal of the plan {@code factory} builds.
     *
     * @throws BackstepException when the class is not public or has no public no-arg constructor
     */
    public static CrashRehearsal of(Class<? extends PlanFactory> factory) {
        dev.backstep.PlanDefinitionException.requireNonNull(factory, null, "the plan factory");
        instantiate(factory);
        return new CrashRehearsal(factory, null, 40, Duration.ofMinutes(2));
    }

    /** Works under {@code dir}, empty or missing (one sub-directory per boundary); required. */
    public CrashRehearsal in(Path dir) {
        return new CrashRehearsal(factory,
                dev.backstep.PlanDefinitionException.requireNonNull(dir, null, "the directory").toAbsolutePath().normalize(),
                maxBoundaries, childTimeout);
    }

    /**
     * Kills at most {@code n} boundaries (evenly spread, first and last included).
     *
     * @throws BackstepException when {@code n < 2}
     */
    public CrashRehearsal maxBoundaries(int n) {
        if (n < 2) {
            throw new dev.backstep.PlanDefinitionException(null, null,
                    "maxBoundaries(n) needs n >= 2 (the first and the last boundary), was " + n);
        }
        return new CrashRehearsal(factory, dir, n, childTimeout);
    }

    /**
     * How long one child JVM may take to reach its boundary or its end.
     *
     * @throws BackstepException when not positive
     */
    public CrashRehearsal childTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new dev.backstep.PlanDefinitionException(null, null, "childTimeout must be positive, was " + timeout);
        }
        return new CrashRehearsal(factory, dir, maxBoundaries, timeout);
    }

    /** One kill: where, whether recovery ended {@code ROLLED_BACK}, and what differs from before. */
    public record Boundary(int number, String after, String recovery, List<String> differences) {
        public Boundary {
            differences = List.copyOf(differences);
        }

        /** Recovered to {@code ROLLED_BACK} with every fingerprint equal to before. */
        public boolean restored() {
            return (recovery.equals(RunStatus.ROLLED_BACK.name())
                    || recovery.equals(RunStatus.ROLLED_BACK.name() + " (finished before the kill)"))
                    && differences.isEmpty();
        }
    }

    /** The boundaries killed, out of {@code total}, in order. */
    public record Result(String planName, int total, List<Boundary> killed) {
        public Result {
            killed = List.copyOf(killed);
        }

        /** The first boundary whose recovery did not restore the state before the run. */
        public Optional<Boundary> firstNotRestored() {
            return killed.stream().filter(b -> !b.restored()).findFirst();
        }

        /**
         * Returns this result when every boundary restored.
         *
         * @throws AssertionError naming the first boundary that did not restore and what differs
         */
        public Result assertRestored() {
            Optional<Boundary> bad = firstNotRestored();
            if (bad.isPresent()) {
                Boundary b = bad.get();
                throw new AssertionError("the first boundary that did not restore is " + b.number() + " of " + total
                        + " (killed after " + b.after() + "; recovery " + b.recovery() + ")\n" + toText());
            }
            return this;
        }

        /** {@code killed at 31 of 31 boundaries}, with a line per boundary not restored. */
        public String toText() {
            StringBuilder b = new StringBuilder("crash rehearsal of plan '" + planName + "': killed at "
                    + killed.size() + " of " + total + " boundaries"
                    + (killed.size() < total ? " (sampled)" : "") + "\n");
            for (Boundary k : killed) {
                if (!k.restored()) {
                    b.append("  boundary ").append(k.number()).append(" of ").append(total).append(" (after ")
                            .append(k.after()).append("): recovery ").append(k.recovery()).append('\n');
                    k.differences().forEach(d -> b.append("    ").append(d).append('\n'));
                }
            }
            return b.toString();
        }
    }

    /**
     * Runs the rehearsal and prints its summary ({@code killed at N of N boundaries}).
     *
     * @throws BackstepException when no directory was given, the factory fails, or a child JVM
     *     neither reaches its boundary nor ends in time
     */
    public Result run() {
        if (dir == null) {
            throw new dev.backstep.PlanDefinitionException(null, null, "CrashRehearsal needs a directory: call in(dir) first");
        }
        try {
            Files.createDirectories(dir);
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new BackstepException("CrashRehearsal needs an empty directory (one sub-directory per "
                            + "boundary is prepared in it), but " + dir + " is not empty");
                }
            }
            Child count = child(dir.resolve("count"), Long.MAX_VALUE);
            if (!count.line().startsWith("FINISHED ")) {
                throw new BackstepException("the plan's dry run printed no FINISHED line: " + count.line());
            }
            int total = Integer.parseInt(count.line().split(" ")[1]);
            List<Boundary> killed = new ArrayList<>();
            String planName = "?";
            for (int n : points(total, maxBoundaries)) {
                Path point = dir.resolve("boundary-" + n);
                PlanFactory f = instantiate(factory);
                Path work = Files.createDirectories(point.resolve("work"));
                f.prepare(work);
                Plan plan = f.plan(work);
                planName = plan.name();
                List<Fingerprint> before = fingerprints(plan);
                Child c = child(point, n);
                if (!c.line().startsWith("CRASH-POINT " + n + " ")) {
                    throw new BackstepException("the child JVM for boundary " + n + " ended before it: " + c.line());
                }
                String after = c.line().substring(("CRASH-POINT " + n + " ").length());
                String recovery;
                try (Journal journal = Journal.directory(point.resolve("state").resolve("journal"))) {
                    Runner runner = f.runner(point.resolve("state"), journal);
                    Recovery r = runner.recover(withForcedFailure(plan));
                    List<String> what = new ArrayList<>();
                    r.recovered().forEach(x -> what.add(x.status().name()));
                    r.unrecoverable().forEach(u -> what.add("unrecoverable: " + u.reason()));
                    if (what.isEmpty()) {
                        // killed after the run's last record: it had finished, nothing is left to recover
                        runner.history(plan.target()).forEach(h -> what.add(h.status().map(Enum::name)
                                .orElse("unfinished") + " (finished before the kill)"));
                    }
                    recovery = what.isEmpty() ? "found no run" : String.join(", ", what);
                }
                killed.add(new Boundary(n, after, recovery, Fingerprint.differences(before, fingerprints(plan))));
            }
            Result result = new Result(planName, total, killed);
            System.out.print(result.toText());
            return result;
        } catch (IOException e) {
            throw new BackstepException("crash rehearsal in " + dir + " failed: " + e.getMessage(), e);
        } catch (BackstepException e) {
            throw e;
        } catch (Exception e) {
            throw new BackstepException("crash rehearsal of " + factory.getName() + " failed: " + e, e);
        }
    }

    /**
     * Runs the rehearsal; fails naming the first boundary whose recovery did not restore.
     *
     * @throws AssertionError naming that boundary and what differs
     */
    public Result assertRestoredAtEveryBoundary() {
        return run().assertRestored();
    }

    /** Which boundaries to kill: all, or {@code max} evenly spread with the first and the last. */
    static List<Integer> points(int total, int max) {
        List<Integer> out = new ArrayList<>();
        if (total <= max) {
            for (int i = 1; i <= total; i++) {
                out.add(i);
            }
            return out;
        }
        for (int i = 0; i < max; i++) {
            int p = 1 + (int) Math.round((double) i * (total - 1) / (max - 1));
            if (out.isEmpty() || out.get(out.size() - 1) != p) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<Fingerprint> fingerprints(Plan plan) throws Exception {
        List<Fingerprint> out = new ArrayList<>();
        for (Step s : plan.steps()) {
            out.addAll(StepHarness.of(s).fingerprint());
        }
        return Fingerprint.merge(out);
    }

    /** The plan with a last verification that always fails, so that every compensation runs. */
    static Plan withForcedFailure(Plan plan) {
        List<Plan.Stage> stages = new ArrayList<>(plan.stages());
        stages.add(new Plan.Stage(List.of(Step.verification(FORCED_FAILURE_STEP, ctx -> {
            throw new BackstepException("every step ran; failing on purpose so that the crash rehearsal rolls back");
        })), false));
        return Plan.of(plan.name(), plan.target(), stages, plan.afterRollback(), plan.verifyAfterRollback());
    }

    static PlanFactory instantiate(Class<?> type) {
        if (!PlanFactory.class.isAssignableFrom(type) || !Modifier.isPublic(type.getModifiers())) {
            throw new BackstepException(type.getName() + " must be a public class implementing PlanFactory");
        }
        try {
            return (PlanFactory) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new BackstepException(type.getName() + " needs a public no-arg constructor", e);
        } catch (ReflectiveOperationException e) {
            throw new BackstepException("cannot create " + type.getName() + ": " + e, e);
        }
    }

    private record Child(String line) {
    }

    /** Runs the child in {@code point}; kills it (SIGKILL) at its CRASH-POINT line. */
    private Child child(Path point, long crashAfter) throws Exception {
        Path work = Files.createDirectories(point.resolve("work"));
        if (crashAfter == Long.MAX_VALUE) {
            instantiate(factory).prepare(work);
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", CrashRehearsalChild.class.getName(),
                factory.getName(), work.toString(), point.resolve("state").toString(), Long.toString(crashAfter));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
            lines.add("(end of output, exit " + (p.isAlive() ? "?" : p.exitValue()) + ")");
        }, "crash-rehearsal-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + childTimeout.toNanos();
        try {
            while (true) {
                String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new BackstepException("the child JVM for " + point.getFileName() + " did not reach its "
                            + "boundary or its end within " + childTimeout);
                }
                if (l.startsWith("CRASH-POINT ") || l.startsWith("FINISHED ") || l.startsWith("(end of output")) {
                    return new Child(l);
                }
            }
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks in the child
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new BackstepException("the child JVM for " + point.getFileName() + " did not die after SIGKILL");
            }
        }
    }
}
