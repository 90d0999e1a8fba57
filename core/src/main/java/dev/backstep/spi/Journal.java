package dev.backstep.spi;

import dev.backstep.BackstepException;
import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.internal.DirectoryJournal;
import dev.backstep.internal.InMemoryJournal;
import dev.backstep.internal.JournalScan;
import dev.backstep.internal.JournalVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where the runner writes every event of every run, in order, append-only. A durable journal is
 * what lets a finished run be rolled back later and an interrupted run be finished by another
 * process.
 *
 * <p>Implementations are thread-safe: steps of a parallel group append concurrently. {@link
 * #append} returns only once the record is as durable as the journal promises (a directory
 * journal has fsynced it).
 *
 * <pre>{@code
 * Runner runner = Backstep.runner().journal(Journal.inMemory()).build();
 * }</pre>
 */
public interface Journal extends AutoCloseable {

    /** Appends a record; durable when this returns. */
    void append(JournalRecord record);

    /**
     * Appends several records, in order; all durable when this returns. The default appends them
     * one by one; a journal may make them durable together (the directory journal: one write and
     * one force for records of one run).
     *
     * <pre>{@code
     * journal.appendAll(List.of(headRecord, branchRecord));
     * }</pre>
     */
    default void appendAll(List<JournalRecord> records) {
        records.forEach(this::append);
    }

    /**
     * Appends a record that no side effect waits for (a step's success, a summary): written in
     * order with the others, durable at the latest when the next {@link #append} or
     * {@link #appendAll} of the same run returns, or at {@link #close}. A power loss before that
     * can lose it together with the records after it, as if the process had stopped just before
     * it. The default appends it durably at once; the directory journal leaves its force to the
     * next durable append. A journal (or a wrapper) that overrides this must override
     * {@link #sync} too.
     *
     * <pre>{@code
     * journal.appendLazily(stepSucceeded);  // written, not yet forced
     * journal.append(nextStepStarted);      // one force makes both durable
     * }</pre>
     */
    default void appendLazily(JournalRecord record) {
        append(record);
    }

    /**
     * Makes every record of the run appended so far durable: what {@link #appendLazily} left to a
     * later force. The default does nothing (its lazy appends are durable at once).
     *
     * <pre>{@code
     * journal.appendLazily(compensationSucceeded);
     * journal.sync(runId);  // durable before a parallel group's compensations start
     * }</pre>
     */
    default void sync(RunId runId) {
    }

    /** All records of a run, in sequence order; empty when the run is unknown. */
    List<JournalRecord> read(RunId runId);

    /** Every run in this journal, oldest first. */
    List<RunId> runIds();

    /**
     * The runs of {@code target}, in no particular order: every run whose {@code RUN_STARTED}
     * record names it, plus every run whose target cannot be read (a damaged run: the caller reads
     * it and reports the damage). May name more runs, never fewer: the runner reads each run and
     * checks its target again, so the records stay the truth. {@code rollback(runId)}, {@code
     * history} and {@code lastGood} cost what this costs. The default reads every run; the
     * directory and JDBC journals answer from an index, so the answer does not grow with other
     * targets' runs.
     *
     * <pre>{@code
     * for (RunId id : journal.runsOf("shop@prod")) { List<JournalRecord> records = journal.read(id); }
     * }</pre>
     */
    default List<RunId> runsOf(String target) {
        return JournalScan.runsOf(this, Objects.requireNonNull(target, "target"));
    }

    /**
     * The runs that may need recovery: whose latest forward run or rollback has no {@code
     * RUN_FINISHED} record, or finished {@code INTERRUPTED}, plus every run that cannot be read
     * (so that {@code recover()} reports it). May name more runs, never fewer. The default reads
     * every run; the directory and JDBC journals answer from an index.
     *
     * <pre>{@code
     * List<RunId> candidates = journal.unfinishedRuns();
     * }</pre>
     */
    default List<RunId> unfinishedRuns() {
        return JournalScan.unfinished(this);
    }

    /**
     * Removes the runs {@code policy} lets go, never one that can still be rolled back or
     * recovered (see {@link Retention}); a run whose records cannot be read is kept and reported.
     * A rollback of a kept run works as before; a removed run is unknown to {@code rollback},
     * {@code history} and {@code summary}. Only the journal's records are removed, not what a
     * run's steps keep elsewhere (backups under the runner's state directory). Run it when no
     * rollback of the runs it may remove is starting. The directory journal supports it; the
     * default refuses.
     *
     * <pre>{@code
     * Retention.Report r = Journal.directory(stateDir).retain(Retention.keepRuns(50));
     * }</pre>
     *
     * @throws BackstepException when this journal cannot remove runs
     */
    default Retention.Report retain(Retention policy) {
        Objects.requireNonNull(policy, "policy");
        throw new BackstepException(this + " does not remove runs: retention is supported by Journal.directory");
    }

    /**
     * The exception that reports {@code record} of this journal as malformed: it passed the
     * journal's own checks (checksum) but cannot be replayed without guessing (an unknown step
     * kind or run status, a missing step name, a step record before its step started). Journals
     * override it to name where the record is stored (file and line, table and row); the default
     * names this journal and the record's sequence number plus one as the line.
     */
    default JournalCorruptedException corrupted(JournalRecord record, String reason) {
        return new JournalCorruptedException(Path.of(String.valueOf(this)), record.sequence() + 1,
                "run " + record.runId() + ", record " + record.sequence() + ": " + reason);
    }

    /**
     * Checks every run of this journal and changes nothing: reads each run and replays it the way
     * {@code rollback} and {@code recover} would, and lists every run that cannot be used (a
     * damaged or malformed record, a record from a newer format, a run file that is a symbolic
     * link) with where the damage is. A torn last record is not damage (it is the trace of a
     * crash during an append and is ignored). Empty when every run is sound.
     *
     * <pre>{@code
     * for (Journal.Damage d : Journal.directory(stateDir).verify()) {
     *     System.err.println(d.runId() + ": " + d.file() + " line " + d.line() + ": " + d.reason());
     * }
     * }</pre>
     */
    default List<Damage> verify() {
        return JournalVerifier.verify(this);
    }

    /**
     * One run a {@link #verify} found unusable.
     *
     * @param runId the run
     * @param error what is wrong and where ({@link JournalCorruptedException#file()},
     *     {@link JournalCorruptedException#line()})
     */
    record Damage(RunId runId, JournalCorruptedException error) {

        public Damage {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(error, "error");
        }

        /** The damaged file (for a database journal: the table). */
        public Path file() {
            return error.file();
        }

        /** The damaged line, counting from 1; 0 when the file as a whole is refused. */
        public long line() {
            return error.line();
        }

        /** What is wrong, without the record's content. */
        public String reason() {
            return error.reason();
        }

        /** One line: the run and the error's message. */
        @Override
        public String toString() {
            return runId + ": " + error.getMessage();
        }
    }

    @Override
    default void close() {
    }

    /** A journal that lives as long as this object: for tests and one-shot tools. */
    static Journal inMemory() {
        return new InMemoryJournal();
    }

    /**
     * The durable default: one append-only JSON-lines file per run under {@code dir/runs}, each
     * record checksummed and fsynced before {@link #append} returns; owner-only files (0600) and
     * directories (0700). A torn last record (a crash during an append) is ignored; damage
     * anywhere else raises {@link dev.backstep.JournalCorruptedException}. Creates {@code dir}
     * when missing. Keeps an index, {@code dir/runs.index} (target to runs, run to status), that
     * {@link #runsOf} and {@link #unfinishedRuns} answer from; it is rebuilt from the run files
     * when missing, damaged or stale, and the run files stay the truth. {@link #retain} removes
     * old runs.
     *
     * <pre>{@code
     * try (Journal journal = Journal.directory(Path.of("/var/lib/shop/backstep"))) {
     *     Backstep.runner().journal(journal).build().run(plan);
     * }
     * }</pre>
     *
     * @throws dev.backstep.BackstepException when {@code dir} cannot be created or written
     */
    static Journal directory(Path dir) {
        return new DirectoryJournal(dir);
    }
}
