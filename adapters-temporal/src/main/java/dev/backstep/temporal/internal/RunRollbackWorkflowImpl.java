package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.Settings;

/** Undoes a finished run through {@link Saga}. Not API. */
public final class RunRollbackWorkflowImpl implements RunRollbackWorkflow {
    @Override
    public RunRecord rollback(RunRecord previous, Settings settings) {
        return new Saga(previous.runId(), previous.ref(), settings).rollback(previous);
    }
}
