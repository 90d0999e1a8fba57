package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.Settings;

/** Undoes a finished run through {@link Saga}. Not API. */
public final class RunRollbackWorkflowImpl extends ResultHolder<RunRecord> implements RunRollbackWorkflow {
    @Override
    public RunRecord rollback(RunRecord previous, Settings settings) {
        Saga saga = new Saga(previous.runId(), previous.ref(), settings);
        RunRecord r = saga.rollback(previous);
        result = r;
        saga.mirror(previous, r);
        return r;
    }
}
