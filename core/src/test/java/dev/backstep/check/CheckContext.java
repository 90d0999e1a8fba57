package dev.backstep.check;

import dev.backstep.RunId;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plain step context for calling a check directly, with real commands and a cancel switch. */
final class CheckContext implements StepContext {
    private final String stepName;
    private final Phase phase;
    private final Path dir;
    private final Map<String, String> recorded = new LinkedHashMap<>();
    /** Set to make {@link #isCancelled()} true, as the runner does at a step timeout. */
    final AtomicBoolean cancelled = new AtomicBoolean();
    /** Called whenever the check asks whether it is cancelled (before each attempt and while sleeping). */
    Runnable onCancellationCheck = () -> { };

    private CheckContext(String stepName, Phase phase, Path dir) {
        this.stepName = stepName;
        this.phase = phase;
        this.dir = dir;
    }

    static CheckContext forward(dev.backstep.Step step, Path dir) {
        return new CheckContext(step.name(), Phase.FORWARD, dir);
    }

    static CheckContext validating(dev.backstep.Step step, Path dir) {
        return new CheckContext(step.name(), Phase.VALIDATE, dir);
    }

    @Override
    public RunId runId() {
        return RunId.of("check-test");
    }

    @Override
    public String planName() {
        return "check test";
    }

    @Override
    public String target() {
        return "test";
    }

    @Override
    public String stepName() {
        return stepName;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public void record(String key, String value) {
        recorded.put(key, value);
    }

    @Override
    public Optional<String> recorded(String key) {
        return Optional.ofNullable(recorded.get(key));
    }

    @Override
    public Map<String, String> recordedValues() {
        return Map.copyOf(recorded);
    }

    @Override
    public CommandRunner commands() {
        return CommandRunner.local();
    }

    @Override
    public Path backupDir() {
        return dir;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("test." + stepName);
    }

    @Override
    public boolean isCancelled() {
        onCancellationCheck.run();
        return cancelled.get() || Thread.currentThread().isInterrupted();
    }
}
