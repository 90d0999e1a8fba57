package dev.backstep.temporal.internal;

import dev.backstep.RunId;
import dev.backstep.StepContext;
import dev.backstep.spi.AbstractStepContext;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StepContext} of one attempt on a host's worker: recorded values live in memory and
 * are handed to {@code onRecord} (a Temporal heartbeat) at once; the activity returns them.
 */
final class ActivityStepContext extends AbstractStepContext {
    private static final Logger LOG = LoggerFactory.getLogger("dev.backstep.step");
    private final Map<String, String> values;
    private final Consumer<Map<String, String>> onRecord;
    private final Supplier<Path> backupDir;
    private final CommandRunner commands;
    private final Supplier<Boolean> cancelled;
    private volatile String summary;

    ActivityStepContext(RunId runId, String planName, String target, String stepName, Phase phase, int attempt,
                        Map<String, String> values, Consumer<Map<String, String>> onRecord,
                        Supplier<Path> backupDir, CommandRunner commands, Supplier<Boolean> cancelled) {
        super(runId, planName, target, stepName, phase, attempt);
        this.values = new LinkedHashMap<>(values);
        this.onRecord = onRecord;
        this.backupDir = backupDir;
        this.commands = commands;
        this.cancelled = cancelled;
    }

    @Override
    public void record(String key, String value) {
        if (phase() != Phase.FORWARD) {
            throw new IllegalStateException("step '" + stepName() + "' may record undo data only in its action");
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, String> snapshot;
        synchronized (values) {
            // an earlier attempt's value describes the state before the step: a retry keeps it
            values.putIfAbsent(key, value);
            snapshot = Map.copyOf(values);
        }
        onRecord.accept(snapshot);
    }

    @Override
    public void summary(String text) {
        summary = text;
    }

    String summaryText() {
        return summary;
    }

    @Override
    public Optional<String> recorded(String key) {
        synchronized (values) {
            return Optional.ofNullable(values.get(key));
        }
    }

    @Override
    public Map<String, String> recordedValues() {
        synchronized (values) {
            return Map.copyOf(values);
        }
    }

    @Override
    public CommandRunner commands() {
        return commands;
    }

    @Override
    public Path backupDir() {
        return backupDir.get();
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Logger logger() {
        return LOG;
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get() || Thread.currentThread().isInterrupted();
    }
}
