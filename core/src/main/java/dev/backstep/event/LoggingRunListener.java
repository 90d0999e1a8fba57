package dev.backstep.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind {@link RunListener#logging()}: logs every run event through SLF4J, logger {@code dev.backstep.run}: progress at INFO,
 * failures at WARN/ERROR.
 *
 * <pre>{@code
 * Backstep.runner().listener(RunListener.logging()).build();
 * }</pre>
 */
final class LoggingRunListener implements RunListener {
    private final Logger log;

    LoggingRunListener() {
        this(LoggerFactory.getLogger("dev.backstep.run"));
    }

    LoggingRunListener(Logger log) {
        this.log = log;
    }

    @Override
    public void onRunStart(RunEvent.RunStarted e) {
        log.info("[{}] run of '{}' on {} started ({} steps)", e.runId(), e.planName(), e.target(), e.stepCount());
    }

    @Override
    public void onRunEnd(RunEvent.RunFinished e) {
        if (e.status().isFailure()) {
            log.warn("[{}] run of '{}' ended {} after {} ms", e.runId(), e.planName(), e.status(),
                    e.duration().toMillis(), e.failure().orElse(null));
        } else {
            log.info("[{}] run of '{}' ended {} after {} ms", e.runId(), e.planName(), e.status(),
                    e.duration().toMillis());
        }
    }

    @Override
    public void onStepStart(RunEvent.StepStarted e) {
        log.info("[{}] step '{}' started (attempt {})", e.runId(), e.step(), e.attempt());
    }

    @Override
    public void onStepEnd(RunEvent.StepFinished e) {
        if (e.succeeded()) {
            log.info("[{}] step '{}' succeeded in {} ms", e.runId(), e.step(), e.duration().toMillis());
        } else {
            log.warn("[{}] step '{}' failed: {}", e.runId(), e.step(), e.error().get().getMessage());
        }
    }

    @Override
    public void onRetry(RunEvent.StepRetrying e) {
        log.warn("[{}] {} '{}' attempt {} failed, retrying in {} ms: {}", e.runId(),
                e.compensation() ? "compensation of" : "step", e.step(), e.failedAttempt(), e.delay().toMillis(),
                e.error().getMessage());
    }

    @Override
    public void onRollbackStart(RunEvent.RollbackStarted e) {
        log.warn("[{}] rolling back: {}", e.runId(), e.reason());
    }

    @Override
    public void onCompensationStart(RunEvent.CompensationStarted e) {
        log.info("[{}] compensating '{}' (attempt {})", e.runId(), e.step(), e.attempt());
    }

    @Override
    public void onCompensationEnd(RunEvent.CompensationFinished e) {
        if (e.succeeded()) {
            log.info("[{}] compensated '{}' in {} ms", e.runId(), e.step(), e.duration().toMillis());
        } else {
            log.error("[{}] compensation of '{}' failed: {}", e.runId(), e.step(), e.error().get().getMessage());
        }
    }

    @Override
    public void onCompensationSkipped(RunEvent.CompensationSkipped e) {
        log.warn("[{}] '{}' not compensated: {}", e.runId(), e.step(), e.reason());
    }

    @Override
    public void onRollbackStepStart(RunEvent.RollbackStepStarted e) {
        log.info("[{}] after the rollback: {} '{}' (attempt {})", e.runId(),
                e.kind() == dev.backstep.StepKind.VERIFICATION ? "checking" : "running", e.step(), e.attempt());
    }

    @Override
    public void onRollbackStepEnd(RunEvent.RollbackStepFinished e) {
        if (e.succeeded()) {
            log.info("[{}] after the rollback: '{}' done in {} ms", e.runId(), e.step(), e.duration().toMillis());
        } else {
            log.error("[{}] after the rollback: '{}' failed: {}", e.runId(), e.step(), e.error().get().getMessage());
        }
    }
}
