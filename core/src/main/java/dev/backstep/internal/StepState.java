package dev.backstep.internal;

import dev.backstep.Compensation;
import dev.backstep.StepKind;
import dev.backstep.StepOutcome;
import dev.backstep.StepPolicy;
import dev.backstep.StepStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The mutable bookkeeping of one step during a run or rollback. Guarded by its own monitor: the
 * step's thread, a timed-out zombie attempt and the runner may touch it.
 */
final class StepState {
    final String name;
    final StepKind kind;
    final int stage;
    final String type;
    final StepPolicy policy;
    final Compensation compensation;
    private final Map<String, String> recorded = new LinkedHashMap<>();
    private final Map<String, Integer> recordedIn = new java.util.HashMap<>();
    private StepStatus status = StepStatus.NOT_RUN;
    private Instant startedAt;
    private Instant endedAt;
    private int attempts;
    private Throwable error;
    private Instant compensationStartedAt;
    private Instant compensationEndedAt;
    private Throwable compensationError;
    private String note;
    private String summary;
    private boolean unknownOutcome;

    StepState(String name, StepKind kind, int stage, String type, StepPolicy policy, Compensation compensation) {
        this.name = name;
        this.kind = kind;
        this.stage = stage;
        this.type = type;
        this.policy = policy;
        this.compensation = compensation;
    }

    /** Whether {@code key} was recorded by an attempt before {@code attempt}. */
    synchronized boolean recordedBefore(String key, int attempt) {
        Integer first = recordedIn.get(key);
        return first != null && first < attempt;
    }

    synchronized void record(String key, String value, int attempt) {
        recordedIn.putIfAbsent(key, attempt);
        recorded.put(key, value);
    }

    synchronized void record(String key, String value) {
        recorded.put(key, value);
    }

    synchronized Optional<String> recorded(String key) {
        return Optional.ofNullable(recorded.get(key));
    }

    synchronized Map<String, String> recorded() {
        return Map.copyOf(recorded);
    }

    synchronized StepStatus status() {
        return status;
    }

    synchronized void started(Instant at, int attempt) {
        if (startedAt == null) {
            startedAt = at;
        }
        attempts = attempt;
        status = StepStatus.INTERRUPTED; // until it ends one way or the other
    }

    synchronized void succeeded(Instant at) {
        endedAt = at;
        status = StepStatus.SUCCEEDED;
    }

    synchronized void failed(Instant at, Throwable t) {
        failed(at, t, false);
    }

    /** @param unknownOutcome the attempt was cut off (timeout, killed command): its change may be partly made */
    synchronized void failed(Instant at, Throwable t, boolean unknownOutcome) {
        endedAt = at;
        error = t;
        status = StepStatus.FAILED;
        this.unknownOutcome = unknownOutcome;
    }

    synchronized void markUnknownOutcome() {
        unknownOutcome = true;
    }

    /** Whether the step's change is, or may be, in place and so needs its compensation. */
    synchronized boolean mayBeApplied() {
        return status == StepStatus.SUCCEEDED || status == StepStatus.INTERRUPTED
                || status == StepStatus.COMPENSATION_FAILED || (status == StepStatus.FAILED && unknownOutcome);
    }

    /** For steps rebuilt from a journal. */
    synchronized void restore(StepStatus s, Instant started, Instant ended, int attemptCount) {
        status = s;
        startedAt = started;
        endedAt = ended;
        attempts = attemptCount;
    }

    synchronized void compensationStarted(Instant at) {
        if (compensationStartedAt == null) {
            compensationStartedAt = at;
        }
    }

    synchronized void compensated(Instant at) {
        compensationEndedAt = at;
        status = StepStatus.COMPENSATED;
    }

    synchronized void compensationFailed(Instant at, Throwable t) {
        compensationEndedAt = at;
        compensationError = t;
        status = StepStatus.COMPENSATION_FAILED;
    }

    synchronized void summary(String text) {
        summary = text;
    }

    synchronized void keep(String why) {
        note = why;
        status = StepStatus.NOT_COMPENSATED;
    }

    synchronized StepOutcome outcome() {
        return new StepOutcome(name, kind, status, Optional.ofNullable(startedAt), Optional.ofNullable(endedAt),
                attempts, Optional.ofNullable(error), Optional.ofNullable(compensationStartedAt),
                Optional.ofNullable(compensationEndedAt), Optional.ofNullable(compensationError),
                Optional.ofNullable(note), Optional.ofNullable(summary), recorded);
    }
}
