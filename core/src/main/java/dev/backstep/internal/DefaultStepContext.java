package dev.backstep.internal;

import dev.backstep.Defaults;
import dev.backstep.RunId;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link StepContext} of one attempt of a step's action, compensation or validation. */
final class DefaultStepContext implements StepContext {
    private static final Logger STEP_LOG = LoggerFactory.getLogger("dev.backstep.step");
    private final RunInfo run;
    private final StepState state;
    private final Phase phase;
    private final int attempt;
    private final RunJournal journal;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    DefaultStepContext(RunInfo run, StepState state, Phase phase, int attempt, RunJournal journal) {
        this.run = run;
        this.state = state;
        this.phase = phase;
        this.attempt = attempt;
        this.journal = journal;
    }

    void cancel() {
        cancelled.set(true);
    }

    @Override
    public RunId runId() {
        return run.runId();
    }

    @Override
    public String planName() {
        return run.planName();
    }

    @Override
    public String target() {
        return run.target();
    }

    @Override
    public String stepName() {
        return state.name;
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
        if (check(key, value)) {
            // journal first: if the append fails, the step must not go on to its side effect
            journal.append(JournalRecord.Type.STEP_RECORDED, state.name, Keys.KEY, key, Keys.VALUE, value);
            state.record(key, value, attempt);
        }
    }

    @Override
    public void recordAll(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        Map<String, String> fresh = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (check(key, value)) {
                fresh.put(key, value);
            }
        });
        List<Map<String, String>> data = new ArrayList<>(fresh.size());
        fresh.forEach((key, value) -> {
            Map<String, String> d = new LinkedHashMap<>();
            d.put(Keys.KEY, key);
            d.put(Keys.VALUE, value);
            data.add(d);
        });
        if (!data.isEmpty()) {
            // journal first, all values durable together before the step goes on to its side effect
            journal.appendAll(JournalRecord.Type.STEP_RECORDED, state.name, data);
        }
        fresh.forEach((key, value) -> state.record(key, value, attempt));
    }

    /** Validates a value to record; false when an earlier attempt recorded the key (kept as it was). */
    private boolean check(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (phase != Phase.FORWARD) {
            throw new IllegalStateException("step '" + state.name + "' may record undo data only in its action, not during "
                    + phase);
        }
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("step '" + state.name + "': undo data key must be 1..200 characters");
        }
        if (value.length() > Defaults.MAX_RECORDED_VALUE_CHARS) {
            throw new IllegalArgumentException("step '" + state.name + "': undo value for '" + key + "' has "
                    + value.length() + " characters, more than " + Defaults.MAX_RECORDED_VALUE_CHARS
                    + "; store large data in backupDir() and record its path");
        }
        if (state.recordedBefore(key, attempt)) {
            // what an earlier attempt captured is the state before the step: a retry, which may see
            // that attempt's partial change, must not replace it
            STEP_LOG.debug("step '{}' attempt {}: keeping '{}' as recorded by an earlier attempt", state.name, attempt,
                    key);
            return false;
        }
        return true;
    }

    @Override
    public void summary(String text) {
        Objects.requireNonNull(text, "text");
        if (phase != Phase.FORWARD) {
            return;
        }
        String bounded = text.length() > Defaults.MAX_RECORDED_VALUE_CHARS
                ? text.substring(0, Defaults.MAX_RECORDED_VALUE_CHARS) + "…" : text;
        String shown = run.secrets().mask(bounded);
        journal.append(JournalRecord.Type.STEP_SUMMARY, state.name, Keys.TEXT, shown);
        state.summary(shown);
    }

    @Override
    public Optional<String> recorded(String key) {
        return state.recorded(key);
    }

    @Override
    public Map<String, String> recordedValues() {
        return state.recorded();
    }

    @Override
    public CommandRunner commands() {
        return run.commands();
    }

    @Override
    public Path backupDir() {
        return Paths2.ownerOnlyDirectories(run.runStateDir().resolve(Paths2.safeName(state.name)));
    }

    @Override
    public Clock clock() {
        return run.clock();
    }

    @Override
    public Logger logger() {
        return run.secrets().logger(STEP_LOG);
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get() || Thread.currentThread().isInterrupted();
    }
}
