package dev.backstep.benchmarks;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import dev.backstep.spi.Lock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's own cost per run, next to the cheapest external command a step could run.
 * Plans of ten steps that do nothing but record one undo value each, on an in-memory journal and
 * no lock (so only the engine is measured): forward only, and forward plus a full rollback after
 * a failing verification. The baseline is {@code true} started through the same
 * {@link CommandRunner} every command step uses.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar EngineBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EngineBenchmark {
    private static final int STEPS = 10;
    private Runner runner;
    private Plan succeeding;
    private Plan failing;
    private final CommandRunner commands = CommandRunner.local();
    private final CommandSpec trueCommand = CommandSpec.of("true");

    @Setup
    public void setUp() throws Exception {
        Path state = Files.createTempDirectory("backstep-engine-bench-");
        runner = Backstep.runner().journal(Journal.inMemory()).lock(Lock.none()).stateDir(state).build();
        Plan.Builder ok = Plan.named("ten steps");
        Plan.Builder bad = Plan.named("ten steps, then a failing check");
        for (int i = 0; i < STEPS; i++) {
            String name = "step " + i;
            Step step = Step.named(name).action(ctx -> ctx.record("previous", name)).compensation(ctx -> { }).build();
            ok.step(step);
            bad.step(step);
        }
        succeeding = ok.build();
        failing = bad.verify(Step.verification("health", ctx -> {
            throw new IllegalStateException("unhealthy");
        })).build();
    }

    /** A run of ten steps. */
    @Benchmark
    public RunResult runTenSteps() {
        return runner.run(succeeding);
    }

    /** A run of ten steps, a failing verification and ten compensations. */
    @Benchmark
    public RunResult runTenStepsAndRollBack() {
        return runner.run(failing);
    }

    /** The cheapest command a step could run, for scale. */
    @Benchmark
    public CommandResult runTrueCommand() {
        return commands.run(trueCommand);
    }
}
