package dev.backstep.spi;

import dev.backstep.RunId;
import dev.backstep.StepContext;

/**
 * A base for {@link StepContext} implementations (an engine, a workflow worker, a test harness):
 * it holds what a context is for, fixed when it is made (the run, its plan and target, the step,
 * the phase and the attempt); a subclass implements where recorded values go and the step's
 * commands, backup directory, clock, logger and cancellation.
 *
 * <pre>{@code
 * final class WorkerContext extends AbstractStepContext {
 *     WorkerContext(RunId run, String step, Phase phase, int attempt) {
 *         super(run, "deploy", "shop", step, phase, attempt);
 *     }
 *
 *     @Override
 *     public void record(String key, String value) {
 *         heartbeat(key, value);
 *     }
 *     // recorded, recordedValues, commands, backupDir, clock, logger, isCancelled
 * }
 * }</pre>
 */
public abstract class AbstractStepContext implements StepContext {
    private final RunId runId;
    private final String planName;
    private final String target;
    private final String stepName;
    private final Phase phase;
    private final int attempt;

    /** The values the accessors return, as given (an engine's precheck, say, runs as attempt 0). */
    protected AbstractStepContext(RunId runId, String planName, String target, String stepName, Phase phase,
                                  int attempt) {
        this.runId = runId;
        this.planName = planName;
        this.target = target;
        this.stepName = stepName;
        this.phase = phase;
        this.attempt = attempt;
    }

    @Override
    public final RunId runId() {
        return runId;
    }

    @Override
    public final String planName() {
        return planName;
    }

    @Override
    public final String target() {
        return target;
    }

    @Override
    public final String stepName() {
        return stepName;
    }

    @Override
    public final Phase phase() {
        return phase;
    }

    @Override
    public final int attempt() {
        return attempt;
    }
}
