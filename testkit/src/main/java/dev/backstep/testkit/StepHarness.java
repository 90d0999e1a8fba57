package dev.backstep.testkit;

import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.spi.AbstractStepContext;
import dev.backstep.spi.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one step by hand, for unit tests of custom steps: validate, execute, then compensate from
 * nothing but the recorded values, as a process started after a crash would.
 *
 * <pre>{@code
 * StepHarness h = StepHarness.of(new MyStep(file)).backupRoot(tmp);
 * h.execute();
 * assertThat(h.recorded()).containsKey("previous");
 * h.compensate();                                   // from the recorded values only
 * h.compensateFrom(Map.of());                       // as if it crashed before recording anything
 * }</pre>
 *
 * <p>Not thread-safe. Commands run for real ({@link CommandRunner#local()} unless replaced).
 */
public final class StepHarness {
    private final Step step;
    private final Map<String, String> recorded = new LinkedHashMap<>();
    private final List<Map.Entry<String, String>> recordLog = new ArrayList<>();
    private Path backupRoot;
    private CommandRunner commands = CommandRunner.local();
    private Clock clock = Clock.systemUTC();
    private RunId runId = RunId.of("harness-run");
    private BooleanSupplier cancelled = () -> false;

    private StepHarness(Step step) {
        this.step = dev.backstep.PlanDefinitionException.requireNonNull(step, null, "the step");
    }

    public static StepHarness of(Step step) {
        return new StepHarness(step);
    }

    /** Where {@link StepContext#backupDir()} points (a sub-directory per step). Default: a new temp dir. */
    public StepHarness backupRoot(Path dir) {
        this.backupRoot = dev.backstep.PlanDefinitionException.requireNonNull(dir, null, "the backup directory");
        return this;
    }

    public StepHarness commands(CommandRunner commands) {
        this.commands = dev.backstep.PlanDefinitionException.requireNonNull(commands, null, "the command runner");
        return this;
    }

    public StepHarness clock(Clock clock) {
        this.clock = dev.backstep.PlanDefinitionException.requireNonNull(clock, null, "the clock");
        return this;
    }

    public StepHarness runId(RunId runId) {
        this.runId = dev.backstep.PlanDefinitionException.requireNonNull(runId, null, "the run id");
        return this;
    }

    /**
     * Makes {@link StepContext#isCancelled()} true whenever {@code cancelled} is (as the runner's is
     * at a step timeout), besides when the thread is interrupted. A step asks before each attempt
     * and while it waits, so the supplier also sees how often it polls.
     *
     * <pre>{@code
     * AtomicInteger tries = new AtomicInteger();
     * StepHarness h = StepHarness.of(check).cancelWhen(() -> tries.get() >= 2);
     * }</pre>
     */
    public StepHarness cancelWhen(BooleanSupplier cancelled) {
        this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
        return this;
    }

    /** Calls {@link Step#validate}. */
    public StepHarness validate() throws Exception {
        step.validate(context(StepContext.Phase.VALIDATE, new LinkedHashMap<>()));
        return this;
    }

    /** Calls {@link Step#preview}. */
    public String preview() throws Exception {
        return step.preview(context(StepContext.Phase.VALIDATE, new LinkedHashMap<>()));
    }

    /** Runs the action; what it records is kept, also when it throws. */
    public StepHarness execute() throws Exception {
        step.execute(context(StepContext.Phase.FORWARD, recorded));
        return this;
    }

    /** Runs the compensation with the values {@link #execute} recorded. */
    public StepHarness compensate() throws Exception {
        return compensateFrom(recorded);
    }

    /** Runs the compensation with exactly these values, as a fresh process reading a journal would. */
    public StepHarness compensateFrom(Map<String, String> values) throws Exception {
        step.compensation().compensate(context(StepContext.Phase.COMPENSATE, new LinkedHashMap<>(values)));
        return this;
    }

    /**
     * The step's {@link Step#fingerprint fingerprints} of its resources now. Read-only is enforced:
     * the context refuses to record and to create a backup directory.
     */
    public List<dev.backstep.Fingerprint> fingerprint() throws Exception {
        return step.fingerprint(new HarnessContext(StepContext.Phase.VALIDATE, new LinkedHashMap<>(), true));
    }

    /**
     * A context for calling the step's methods yourself, for tests that hand it to a step or a
     * compensation directly (a command runner that dies halfway, a compensation looked up by type):
     * {@link StepContext.Phase#FORWARD} records into {@link #recorded()}, {@link StepContext.Phase#VALIDATE}
     * sees no values, {@link StepContext.Phase#COMPENSATE} sees a copy of what was recorded so far.
     *
     * <pre>{@code
     * StepContext ctx = h.context(StepContext.Phase.FORWARD);
     * assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(ProcessDied.class);
     * Git.compensations().get("git.checkout").compensate(h.compensationContext(h.recorded()));
     * }</pre>
     */
    public StepContext context(StepContext.Phase phase) {
        Objects.requireNonNull(phase, "phase");
        return switch (phase) {
            case FORWARD -> context(phase, recorded);
            case COMPENSATE -> context(phase, new LinkedHashMap<>(recorded));
            default -> context(phase, new LinkedHashMap<>());
        };
    }

    /** A {@link StepContext.Phase#COMPENSATE} context that knows exactly {@code values}, as a process reading a journal. */
    public StepContext compensationContext(Map<String, String> values) {
        return context(StepContext.Phase.COMPENSATE, new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }

    /** What the action recorded, in order (the last value of each key). */
    public Map<String, String> recorded() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(recorded));
    }

    /**
     * Every record call of the action in order, as a journal holds them: a key recorded twice is
     * here twice, so a value that was replaced (a secret, say) is still seen.
     */
    public List<Map.Entry<String, String>> recordLog() {
        return List.copyOf(recordLog);
    }

    private StepContext context(StepContext.Phase phase, Map<String, String> values) {
        return new HarnessContext(phase, values, false);
    }

    private Path root() {
        if (backupRoot == null) {
            try {
                backupRoot = Files.createTempDirectory("backstep-harness-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return backupRoot;
    }

    private final class HarnessContext extends AbstractStepContext {
        private final Map<String, String> values;
        private final boolean readOnly;

        HarnessContext(Phase phase, Map<String, String> values, boolean readOnly) {
            super(runId, "harness", "harness", step.name(), phase, 1);
            this.values = values;
            this.readOnly = readOnly;
        }

        @Override
        public void record(String key, String value) {
            if (phase() != Phase.FORWARD) {
                throw new IllegalStateException("step '" + step.name() + "' may record undo data only in its action");
            }
            values.put(dev.backstep.PlanDefinitionException.requireNonNull(key, null, "the key"),
                    dev.backstep.PlanDefinitionException.requireNonNull(value, null, "the value of " + key));
            if (values == recorded) {
                recordLog.add(Map.entry(key, value));
            }
        }

        @Override
        public java.util.Optional<String> recorded(String key) {
            return java.util.Optional.ofNullable(values.get(key));
        }

        @Override
        public Map<String, String> recordedValues() {
            return Map.copyOf(values);
        }

        @Override
        public CommandRunner commands() {
            return commands;
        }

        @Override
        public Path backupDir() {
            if (readOnly) {
                throw new IllegalStateException("step '" + step.name() + "': a fingerprint must not create a backup directory");
            }
            try {
                return Files.createDirectories(root().resolve(step.name().replaceAll("[^A-Za-z0-9._-]", "_")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("dev.backstep.step");
        }

        @Override
        public boolean isCancelled() {
            return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
        }
    }
}
