package dev.backstep.files;

import dev.backstep.RunId;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal step context for driving steps directly: records in memory and, optionally, in a
 * synced properties file (a stand-in for the journal that survives a killed process).
 */
final class TestContext implements StepContext {
    private final RunId runId;
    private final String stepName;
    private final Phase phase;
    private final Map<String, String> records;
    private final Path backupDir;
    private final Path journal;
    private final Clock clock;
    private int attempt = 1;

    private TestContext(RunId runId, String stepName, Phase phase, Map<String, String> records, Path backupDir,
                        Path journal, Clock clock) {
        this.runId = runId;
        this.stepName = stepName;
        this.phase = phase;
        this.records = records;
        this.backupDir = backupDir;
        this.journal = journal;
        this.clock = clock;
    }

    /** A forward context whose backups go under {@code stateDir/backups/<step>}. */
    static TestContext forward(Path stateDir, String stepName) {
        return new TestContext(RunId.of("test-run"), stepName, Phase.FORWARD, new LinkedHashMap<>(),
                stateDir.resolve("backups").resolve(stepName.replaceAll("[^A-Za-z0-9._-]", "_")), null,
                Clock.systemUTC());
    }

    /** Runs {@code step}'s action in a fresh {@link #forward} context and returns that context. */
    static TestContext executed(Step step, Path stateDir) throws Exception {
        TestContext ctx = forward(stateDir, step.name());
        step.execute(ctx);
        return ctx;
    }

    /** Like {@link #forward} but every record is also synced to {@code journal}. */
    static TestContext durable(Path stateDir, String stepName, Path journal) {
        TestContext c = forward(stateDir, stepName);
        return new TestContext(c.runId, stepName, Phase.FORWARD, c.records, c.backupDir, journal, c.clock);
    }

    TestContext withRunId(String id) {
        return new TestContext(RunId.of(id), stepName, phase, records, backupDir, journal, clock);
    }

    TestContext withClock(Clock c) {
        return new TestContext(runId, stepName, phase, records, backupDir, journal, c);
    }

    /** The same step's compensation context: reads the recorded values, records nothing. */
    TestContext compensating() {
        return new TestContext(runId, stepName, Phase.COMPENSATE, new LinkedHashMap<>(records), backupDir, null, clock);
    }

    /** A compensation context holding only what a journal file says (as another process would). */
    static TestContext compensatingFromJournal(Path journal, String stepName) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(journal)) {
            p.load(r);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return new TestContext(RunId.of("test-run"), stepName, Phase.COMPENSATE, m, null, null, Clock.systemUTC());
    }

    TestContext nextAttempt() {
        attempt++;
        return this;
    }

    @Override
    public RunId runId() {
        return runId;
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
        return attempt;
    }

    @Override
    public void record(String key, String value) {
        if (phase != Phase.FORWARD) {
            throw new IllegalStateException("record outside the forward action");
        }
        records.put(key, value);
        if (journal != null) {
            Properties p = new Properties();
            p.putAll(records);
            Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    p.store(out, null);
                }
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public Optional<String> recorded(String key) {
        return Optional.ofNullable(records.get(key));
    }

    @Override
    public Map<String, String> recordedValues() {
        return Collections.unmodifiableMap(records);
    }

    @Override
    public CommandRunner commands() {
        return CommandRunner.local();
    }

    @Override
    public Path backupDir() {
        if (backupDir == null) {
            throw new IllegalStateException("no backup dir in a recovered compensation context");
        }
        return backupDir;
    }

    @Override
    public Clock clock() {
        return clock;
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
