package dev.backstep.internal;

import dev.backstep.Defaults;
import dev.backstep.StepContext;
import dev.backstep.spi.AbstractStepContext;
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
final class DefaultStepContext extends AbstractStepContext {
    private static final Logger STEP_LOG = LoggerFactory.getLogger("dev.backstep.step");
    private final RunInfo run;
    private final String step;
    /** Values the step reads besides what it recorded (a rollback-phase step's journaled definition). */
    private final Map<String, String> given;
    /** What this attempt recorded through a journal that keeps no state (validation, rollback-phase steps). */
    private final Map<String, String> own = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String summary;
    private final RunJournal journal;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * @param journal a {@linkplain RunJournal#folding folding} journal for the run's own steps: what
     *     the step recorded is read from the run's state
     * @param given values the step reads besides what it recorded
     */
    DefaultStepContext(RunInfo run, String step, Phase phase, int attempt, RunJournal journal,
                       Map<String, String> given) {
        super(run.runId(), run.planName(), run.target(), step, phase, attempt);
        this.run = run;
        this.step = step;
        this.given = Map.copyOf(given);
        this.journal = journal;
    }

    void cancel() {
        cancelled.set(true);
    }

    @Override
    public void record(String key, String value) {
        if (check(key, value)) {
            // journal first: if the append fails, the step must not go on to its side effect
            journal.append(JournalRecord.Type.STEP_RECORDED, step, Keys.KEY, key, Keys.VALUE, value);
            remember(key, value);
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
            journal.appendAll(JournalRecord.Type.STEP_RECORDED, step, data);
        }
        fresh.forEach(this::remember);
    }

    /** Validates a value to record; false when an earlier attempt recorded the key (kept as it was). */
    private boolean check(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (phase() != Phase.FORWARD) {
            throw new IllegalStateException("step '" + step + "' may record undo data only in its action, not during "
                    + phase());
        }
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("step '" + step + "': undo data key must be 1..200 characters");
        }
        if (value.length() > Defaults.MAX_RECORDED_VALUE_CHARS) {
            throw new IllegalArgumentException("step '" + step + "': undo value for '" + key + "' has "
                    + value.length() + " characters, more than " + Defaults.MAX_RECORDED_VALUE_CHARS
                    + "; store large data in backupDir() and record its path");
        }
        if (journal.step(step).map(s -> s.recordedBefore(key, attempt())).orElse(false)) {
            // what an earlier attempt captured is the state before the step: a retry, which may see
            // that attempt's partial change, must not replace it
            STEP_LOG.debug("step '{}' attempt {}: keeping '{}' as recorded by an earlier attempt", step, attempt(),
                    key);
            return false;
        }
        return true;
    }

    @Override
    public void summary(String text) {
        Objects.requireNonNull(text, "text");
        if (phase() != Phase.FORWARD) {
            return;
        }
        String bounded = text.length() > Defaults.MAX_RECORDED_VALUE_CHARS
                ? text.substring(0, Defaults.MAX_RECORDED_VALUE_CHARS) + "…" : text;
        String shown = run.secrets().mask(bounded);
        journal.append(JournalRecord.Type.STEP_SUMMARY, step, Keys.TEXT, shown);
        summary = shown;
    }

    /** The summary this attempt gave, if any. */
    Optional<String> summaryGiven() {
        return Optional.ofNullable(summary);
    }

    /** Kept here only when the journal keeps no state: a folding journal has it in the run's state. */
    private void remember(String key, String value) {
        if (journal.state() == null) {
            own.put(key, value);
        }
    }

    @Override
    public Optional<String> recorded(String key) {
        return Optional.ofNullable(recordedValues().get(key));
    }

    @Override
    public Map<String, String> recordedValues() {
        Optional<RunState.Step> folded = journal.step(step);
        if (folded.isPresent() && given.isEmpty()) {
            return folded.get().recorded();
        }
        Map<String, String> all = new LinkedHashMap<>(given);
        folded.ifPresent(s -> all.putAll(s.recorded()));
        all.putAll(own);
        return Map.copyOf(all);
    }

    @Override
    public CommandRunner commands() {
        return run.commands();
    }

    @Override
    public Path backupDir() {
        return Paths2.ownerOnlyDirectories(run.runStateDir().resolve(Paths2.safeName(step)));
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
