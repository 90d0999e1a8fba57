package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.StepKind;
import dev.backstep.StepOutcome;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of one run: assigns sequence numbers and timestamps. Thread-safe.
 *
 * <p>A {@linkplain #folding folding} run journal also keeps the run's {@link RunState}: every
 * record it appends is folded into it, in sequence order, so the live run sees exactly what a
 * replay of its journal gives. A record whose append fails is taken out of the state again (it
 * is not in the journal either). Besides, it keeps the exceptions the run saw, which the journal
 * holds as text only, for the run's result.
 *
 * <pre>{@code
 * RunJournal j = RunJournal.folding(journal, RunState.empty(runId), clock);
 * j.append(JournalRecord.Type.RUN_STARTED, null, data);
 * RunState now = j.state();
 * }</pre>
 */
final class RunJournal {
    private static final Logger LOG = LoggerFactory.getLogger(RunJournal.class);
    private final Journal journal;
    private final RunId runId;
    private final Clock clock;
    private final AtomicLong sequence;
    /** Null when not folding. */
    private final RunState base;
    /** Guards {@link #folded} and the order in which sequence numbers are given and folded. */
    private final Object foldLock = new Object();
    private final List<JournalRecord> folded = new ArrayList<>();
    private volatile RunState state;
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();
    private final Map<String, Throwable> compensationErrors = new ConcurrentHashMap<>();

    /** Appends only, keeps no state: for scratch journals (validation, dry-run, rollback-phase steps). */
    RunJournal(Journal journal, RunId runId, Clock clock, long nextSequence) {
        this(journal, runId, clock, nextSequence, null);
    }

    private RunJournal(Journal journal, RunId runId, Clock clock, long nextSequence, RunState base) {
        this.journal = journal;
        this.runId = runId;
        this.clock = clock;
        this.sequence = new AtomicLong(nextSequence);
        this.base = base;
        this.state = base;
    }

    /** Appends after the records folded into {@code from} and folds every appended record into it. */
    static RunJournal folding(Journal journal, RunState from, Clock clock) {
        return new RunJournal(journal, from.runId, clock, from.lastSequence + 1, from);
    }

    RunId runId() {
        return runId;
    }

    /** The run as its records so far say; null when this journal does not fold. */
    RunState state() {
        return state;
    }

    /** The undo data step {@code step} recorded, as folded; empty when not folding or not started. */
    Optional<RunState.Step> step(String step) {
        RunState s = state;
        return s == null ? Optional.empty() : s.step(step);
    }

    /** The failure of a step's action, for its outcome. */
    void failed(String step, Throwable error) {
        errors.put(step, error);
    }

    /** The failure of a step's compensation, for its outcome. */
    void compensationFailed(String step, Throwable error) {
        compensationErrors.put(step, error);
    }

    /** The outcome of a step of the run, as folded; {@code NOT_RUN} when it never started. */
    StepOutcome outcome(String step, StepKind kind) {
        return step(step).map(s -> s.outcome(errors.get(step), compensationErrors.get(step)))
                .orElseGet(() -> RunState.Step.notRun(step, kind));
    }

    // not synchronized around the journal: the journal orders and sequences concurrent appends
    // itself (a parallel group's appends then share the journal's forces instead of queueing for
    // one each); only numbering and folding are, so the state is folded in sequence order
    void append(JournalRecord.Type type, String step, Map<String, String> data) {
        append(type, step, data, lazy(type, data));
    }

    /** A record the caller knows no side effect waits for (see {@link #lazy}), forced later. */
    void appendLazily(JournalRecord.Type type, String step, String... keyValues) {
        append(type, step, data(keyValues), true);
    }

    private void append(JournalRecord.Type type, String step, Map<String, String> data, boolean lazily) {
        if (base == null) {
            write(new JournalRecord(runId, sequence.getAndIncrement(), clock.instant(), type,
                    Optional.ofNullable(step), data), lazily);
            return;
        }
        JournalRecord rec;
        synchronized (foldLock) {
            rec = new JournalRecord(runId, sequence.getAndIncrement(), clock.instant(), type, Optional.ofNullable(step),
                    data);
            fold(List.of(rec));
        }
        try {
            write(rec, lazily);
        } catch (RuntimeException | Error e) {
            unfold(List.of(rec));
            throw e;
        }
    }

    private void write(JournalRecord rec, boolean lazily) {
        if (lazily) {
            journal.appendLazily(rec);
        } else {
            journal.append(rec);
        }
    }

    /** Every record of the run appended so far is durable when this returns. */
    void sync() {
        journal.sync(runId);
    }

    /**
     * Records that no side effect waits for ride the run's next forced record (one fsync fewer
     * each): losing them in a power cut leaves the journal as if the process had stopped just
     * before them, a state a crash can leave anyway. Forced, because something changes right
     * after them that a rollback must know of: a step's start (its action runs next; a
     * verification changes nothing), its undo data, a compensation's start (it covers the
     * previous compensation's success and the failure that started the rollback: a second
     * rollback must neither redo a finished compensation after a later one ran nor compensate a
     * step that failed without changing anything), the run's start and end, marks.
     */
    static boolean lazy(JournalRecord.Type type, Map<String, String> data) {
        return switch (type) {
            case STEP_SUMMARY, STEP_SUCCEEDED, STEP_FAILED, ROLLBACK_STARTED, COMPENSATION_SUCCEEDED,
                    COMPENSATION_FAILED, COMPENSATION_SKIPPED -> true;
            case STEP_STARTED -> "VERIFICATION".equals(data.get(Keys.KIND));
            default -> false;
        };
    }

    /** One record per data map, with consecutive sequence numbers, all durable together. */
    void appendAll(JournalRecord.Type type, String step, List<Map<String, String>> data) {
        List<JournalRecord> records = new ArrayList<>(data.size());
        synchronized (foldLock) {
            long first = sequence.getAndAdd(data.size());
            for (int i = 0; i < data.size(); i++) {
                records.add(new JournalRecord(runId, first + i, clock.instant(), type, Optional.ofNullable(step),
                        data.get(i)));
            }
            if (base != null) {
                fold(records);
            }
        }
        try {
            journal.appendAll(records);
        } catch (RuntimeException | Error e) {
            if (base != null) {
                unfold(records);
            }
            throw e;
        }
    }

    void append(JournalRecord.Type type, String step, String... keyValues) {
        append(type, step, data(keyValues));
    }

    private static Map<String, String> data(String... keyValues) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                data.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return data;
    }

    /** Caller holds {@link #foldLock}. */
    private void fold(List<JournalRecord> records) {
        folded.addAll(records);
        RunState s = state;
        for (JournalRecord r : records) {
            s = foldOne(s, r);
        }
        state = s;
    }

    private void unfold(List<JournalRecord> records) {
        synchronized (foldLock) {
            folded.removeAll(records);
            RunState s = base;
            for (JournalRecord r : folded) {
                s = foldOne(s, r);
            }
            state = s;
        }
    }

    /**
     * A record the fold refuses is left out of the live state, as a replay would refuse the
     * journal: it can only follow a record whose append failed (a step's start), and the run
     * goes on with what its journal holds.
     */
    private static RunState foldOne(RunState s, JournalRecord r) {
        Optional<String> problem = s.problem(r);
        if (problem.isPresent()) {
            LOG.debug("run {}: record {} left out of the run's state: {}", r.runId(), r.sequence(), problem.get());
            return s;
        }
        return s.apply(r);
    }
}
