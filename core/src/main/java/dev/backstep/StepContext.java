package dev.backstep;

import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * What a step's action, compensation, validation and preview see of the run.
 *
 * <p>The forward action records undo data with {@link #record}: the value is journaled (and, with
 * a durable journal, synced to disk) before {@code record} returns, so record <em>before</em> the
 * side effect it protects. The compensation reads it back with {@link #recorded}, possibly in
 * another process, possibly after a crash in the middle of the action (so a value may be absent).
 *
 * <pre>{@code
 * Step.named("bump version")
 *     .action(ctx -> {
 *         ctx.record("previous", Files.readString(versionFile));
 *         Files.writeString(versionFile, "1.3.0");
 *     })
 *     .compensation(ctx -> ctx.recorded("previous").ifPresent(v -> write(versionFile, v)))
 *     .build();
 * }</pre>
 *
 * <p>A context belongs to one step execution and is used from that step's thread.
 */
public interface StepContext {

    /** Whether the code runs as the forward action or as the compensation. */
    enum Phase { VALIDATE, FORWARD, COMPENSATE }

    RunId runId();

    String planName();

    /** The target the run holds the lock of (a host, an app, an environment). */
    String target();

    String stepName();

    Phase phase();

    /** 1 for the first attempt, 2 for the first retry, and so on. */
    int attempt();

    /**
     * Records undo data for this step, durably, before returning. Keys and values are short
     * strings (paths, commit ids, versions), never secrets. A retry cannot replace a value an
     * earlier attempt recorded under the same key: that one describes the state before the step,
     * while a retry may already see the first attempt's partial change.
     *
     * @throws IllegalStateException outside the forward action
     */
    void record(String key, String value);

    /**
     * Records several undo values at once, as {@link #record} would one by one, in the map's
     * iteration order; every value is durable when this returns. Contexts backed by a durable
     * journal make them durable together (one journal sync instead of one per value), so capture
     * what a step needs with one call before its side effect.
     *
     * <pre>{@code
     * Map<String, String> before = new LinkedHashMap<>();
     * before.put("head", head);
     * before.put("branch", branch);
     * ctx.recordAll(before);
     * }</pre>
     *
     * @throws IllegalStateException outside the forward action
     */
    default void recordAll(Map<String, String> values) {
        values.forEach(this::record);
    }

    /**
     * Attaches a human-readable account of what the action changed (a masked diff, {@code abc1234 ->
     * def5678}) to the step's outcome: journaled and shown by {@link RunResult#report()}. Mask
     * secrets before calling. Contexts that do not report anywhere ignore it.
     */
    default void summary(String text) {
    }

    /** A value this step recorded, in this run, in this or an earlier process. */
    Optional<String> recorded(String key);

    /** Everything this step recorded so far. */
    Map<String, String> recordedValues();

    /** Runs external programs: argv lists, timeouts, bounded output, secrets redacted. */
    CommandRunner commands();

    /**
     * A private directory (mode 0700) for this run and step that outlives the process: put
     * backups here. It is created on first use.
     */
    Path backupDir();

    Clock clock();

    Logger logger();

    /** True when the runner gave up waiting for this step (timeout) or is shutting down. */
    boolean isCancelled();

    /** Throws {@link StepCancelledException} when {@link #isCancelled()}. Long loops call it. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new StepCancelledException(stepName());
        }
    }
}
