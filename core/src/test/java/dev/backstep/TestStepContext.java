package dev.backstep;

import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plain step context for calling a step's methods directly, with real commands. */
final class TestStepContext implements StepContext {
    private final String stepName;
    private final Phase phase;
    private final Map<String, String> recorded;
    private final Path backupDir;
    /** Every record call in order, as "key=value". */
    final List<String> recordLog = Collections.synchronizedList(new ArrayList<>());

    private TestStepContext(String stepName, Phase phase, Map<String, String> recorded, Path backupDir) {
        this.stepName = stepName;
        this.phase = phase;
        this.recorded = recorded;
        this.backupDir = backupDir;
    }

    static TestStepContext forward(Step step, Path backupDir) {
        return new TestStepContext(step.name(), Phase.FORWARD, new LinkedHashMap<>(), backupDir);
    }

    static TestStepContext validating(Step step, Path backupDir) {
        return new TestStepContext(step.name(), Phase.VALIDATE, new LinkedHashMap<>(), backupDir);
    }

    /** A compensation context that knows only {@code values}, as in another process. */
    static TestStepContext compensating(String stepName, Map<String, String> values, Path backupDir) {
        return new TestStepContext(stepName, Phase.COMPENSATE, new LinkedHashMap<>(values), backupDir);
    }

    @Override
    public RunId runId() {
        return RunId.of("test-run");
    }

    @Override
    public String planName() {
        return "test plan";
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
        if (phase != Phase.FORWARD) {
            throw new IllegalStateException("record outside the forward action");
        }
        recorded.put(key, value);
        recordLog.add(key + "=" + value);
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
        return backupDir;
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
        return false;
    }
}
