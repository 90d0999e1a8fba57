package dev.backstep.event;

import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a {@link RunListener} is told. Immutable records; errors are already redacted.
 *
 * <pre>{@code
 * RunListener l = new RunListener() {
 *     public void onStepEnd(RunEvent.StepFinished e) { metrics.timer(e.step()).record(e.duration()); }
 * };
 * }</pre>
 */
public sealed interface RunEvent {

    RunId runId();

    Instant at();

    /** A run started (forward), or a rollback of an earlier run started. */
    record RunStarted(RunId runId, Instant at, String planName, String target, int stepCount)
            implements RunEvent {
    }

    /** A run ended. */
    record RunFinished(RunId runId, Instant at, String planName, RunStatus status, Duration duration,
                       Optional<Throwable> failure) implements RunEvent {
    }

    /** A step's action is about to run (once per attempt). */
    record StepStarted(RunId runId, Instant at, String step, StepKind kind, int attempt) implements RunEvent {
    }

    /** A step's action ended; {@code error} is empty when it succeeded. */
    record StepFinished(RunId runId, Instant at, String step, StepKind kind, int attempt, Duration duration,
                        Optional<Throwable> error) implements RunEvent {
        public boolean succeeded() {
            return error.isEmpty();
        }
    }

    /** An attempt failed and the step (or compensation) will be tried again after {@code delay}. */
    record StepRetrying(RunId runId, Instant at, String step, boolean compensation, int failedAttempt,
                        Duration delay, Throwable error) implements RunEvent {
    }

    /** The run is rolling back; {@code reason} says why. */
    record RollbackStarted(RunId runId, Instant at, String reason) implements RunEvent {
    }

    /** A compensation is about to run (once per attempt). */
    record CompensationStarted(RunId runId, Instant at, String step, int attempt) implements RunEvent {
    }

    /** A compensation ended; {@code error} is empty when it succeeded. */
    record CompensationFinished(RunId runId, Instant at, String step, int attempt, Duration duration,
                                Optional<Throwable> error) implements RunEvent {
        public boolean succeeded() {
            return error.isEmpty();
        }
    }

    /** A completed step was deliberately not compensated (irreversible, or at/before a pivot). */
    record CompensationSkipped(RunId runId, Instant at, String step, String reason) implements RunEvent {
    }

    /**
     * A step of the rollback's last phase is about to run (once per attempt): an
     * {@code afterRollback} step, or a {@code verifyAfterRollback} check when {@code kind} is
     * {@link StepKind#VERIFICATION}.
     */
    record RollbackStepStarted(RunId runId, Instant at, String step, StepKind kind, int attempt) implements RunEvent {
    }

    /** A step of the rollback's last phase ended; {@code error} is empty when it succeeded. */
    record RollbackStepFinished(RunId runId, Instant at, String step, StepKind kind, int attempt, Duration duration,
                                Optional<Throwable> error) implements RunEvent {
        public boolean succeeded() {
            return error.isEmpty();
        }
    }
}
