package dev.backstep.git;

import dev.backstep.RunId;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step context over real resources for driving one step directly: recorded values in a map
 * (which the recovery tests copy into a fresh context, as a journal would), real commands, a
 * real backup directory.
 */
final class TestContext implements StepContext {
    private final Phase phase;
    private final CommandRunner commands;
    private final Path backupDir;
    private final String stepName;
    private final Map<String, String> recorded;

    private TestContext(Phase phase, CommandRunner commands, Path backupDir, String stepName,
                        Map<String, String> recorded) {
        this.phase = phase;
        this.commands = commands;
        this.backupDir = backupDir;
        this.stepName = stepName;
        this.recorded = new LinkedHashMap<>(recorded);
    }

    static TestContext forward(GitSandbox sandbox, String stepName) {
        return forward(sandbox.commands(), sandbox, stepName);
    }

    static TestContext forward(CommandRunner commands, GitSandbox sandbox, String stepName) {
        return new TestContext(Phase.FORWARD, commands, sandbox.root().resolve("backups"), stepName, Map.of());
    }

    static TestContext validation(GitSandbox sandbox, String stepName) {
        return validation(sandbox.commands(), sandbox, stepName);
    }

    static TestContext validation(CommandRunner commands, GitSandbox sandbox, String stepName) {
        return new TestContext(Phase.VALIDATE, commands, sandbox.root().resolve("backups"), stepName, Map.of());
    }

    /** A compensation context that knows nothing but the recorded values (as after a restart). */
    static TestContext compensation(GitSandbox sandbox, String stepName, Map<String, String> recorded) {
        return compensation(sandbox.commands(), sandbox, stepName, recorded);
    }

    static TestContext compensation(CommandRunner commands, GitSandbox sandbox, String stepName,
                                    Map<String, String> recorded) {
        return new TestContext(Phase.COMPENSATE, commands, sandbox.root().resolve("backups"), stepName, recorded);
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
        return commands;
    }

    @Override
    public Path backupDir() {
        try {
            return Files.createDirectories(backupDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("dev.backstep.git.test");
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
