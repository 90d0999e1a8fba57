package dev.backstep;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a run: status, one {@link StepOutcome} per step, every failure, a report.
 *
 * <pre>{@code
 * RunResult r = runner.run(plan);
 * if (r.status() != RunStatus.SUCCEEDED) {
 *     System.err.println(r.report().toText());
 *     r.failure().ifPresent(f -> f.printStackTrace());
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public interface RunResult {

    RunId runId();

    String planName();

    String target();

    RunStatus status();

    /** When the run started; for a result of {@link Runner#rollback} or recovery, when that rollback started. */
    Instant startedAt();

    Instant endedAt();

    /** One outcome per step of the plan, in plan order. */
    List<StepOutcome> steps();

    /** The outcome of the named step. @throws IllegalArgumentException for an unknown name */
    StepOutcome step(String name);

    /**
     * Every failure of the run: the first as cause, every later one suppressed. Empty when the run
     * succeeded.
     */
    Optional<RunFailedException> failure();

    /** The step whose failure started the rollback, if any. */
    Optional<String> failedStep();

    /** Names of the steps compensated, in the order their compensation finished. */
    List<String> compensated();

    /** Names of the steps still applied after the run (all of them after a success). */
    List<String> stillApplied();

    /**
     * What the rollback's last phase did: one outcome per {@code afterRollback} step, then per
     * {@code verifyAfterRollback} check, in the order they ran (a check's kind is
     * {@link StepKind#VERIFICATION}). Empty when no rollback ran them (the run succeeded, or the
     * plan has none).
     */
    default List<StepOutcome> rollbackSteps() {
        return List.of();
    }

    /**
     * The {@link Evidence} captured when this run's rollback started (every rollback attempt of
     * the run, oldest first), with where each capture is stored; empty when the plan declares none
     * or no rollback ran.
     */
    default List<Evidence.Captured> evidence() {
        return List.of();
    }

    /**
     * The recovery time of a rolled-back run: from the moment its failure was detected (the failed
     * step's end) to the end of the rollback's last phase (the last {@code verifyAfterRollback}
     * check, else the last step or compensation), the runbooks' RTO. For a result of
     * {@link Runner#rollback} (nothing failed) it counts from the rollback's start. Empty unless the
     * status is {@link RunStatus#ROLLED_BACK}: a system that is not back has no recovery time.
     *
     * <pre>{@code
     * r.rto().ifPresent(rto -> System.out.println("back in " + rto.toMillis() + " ms"));
     * }</pre>
     */
    default Optional<Duration> rto() {
        if (status() != RunStatus.ROLLED_BACK) {
            return Optional.empty();
        }
        Instant from = failedStep().flatMap(n -> steps().stream().filter(s -> s.name().equals(n)).findFirst())
                .flatMap(StepOutcome::endedAt).orElse(startedAt());
        Instant to = null;
        for (StepOutcome s : rollbackSteps()) {
            to = later(to, s.endedAt().orElse(null));
        }
        if (to == null) {
            for (StepOutcome s : steps()) {
                to = later(to, s.compensationEndedAt().orElse(null));
            }
        }
        Duration rto = Duration.between(from, to == null ? endedAt() : to);
        return Optional.of(rto.isNegative() ? Duration.ZERO : rto);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }

    /** A text table and JSON rendering of this result. */
    RunReport report();

    /** True when the status is {@link RunStatus#SUCCEEDED}. */
    default boolean succeeded() {
        return status() == RunStatus.SUCCEEDED;
    }
}
