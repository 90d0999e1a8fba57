package dev.backstep.rehearse;

import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link StepContext.Phase#VALIDATE} context with real commands: recording and backups are refused. */
record ReadOnlyContext(String stepName, CommandRunner commands) implements StepContext {

    static ReadOnlyContext of(Step step) {
        return new ReadOnlyContext(step.name(), CommandRunner.local());
    }

    static ReadOnlyContext of(Step step, CommandRunner commands) {
        return new ReadOnlyContext(step.name(), commands);
    }

    @Override
    public RunId runId() {
        return RunId.of("read-only");
    }

    @Override
    public String planName() {
        return "read-only";
    }

    @Override
    public String target() {
        return "read-only";
    }

    @Override
    public Phase phase() {
        return Phase.VALIDATE;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public void record(String key, String value) {
        throw new IllegalStateException("a fingerprint must not record (" + key + ")");
    }

    @Override
    public Optional<String> recorded(String key) {
        return Optional.empty();
    }

    @Override
    public Map<String, String> recordedValues() {
        return Map.of();
    }

    @Override
    public Path backupDir() {
        throw new IllegalStateException("a fingerprint must not create a backup directory");
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("dev.backstep.rehearse.test");
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
