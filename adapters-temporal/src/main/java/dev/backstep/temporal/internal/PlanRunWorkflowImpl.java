package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.RunInput;

/** Runs a plan as {@link Saga}. Not API. */
public final class PlanRunWorkflowImpl extends ResultHolder<RunRecord> implements PlanRunWorkflow {
    @Override
    public RunRecord run(RunInput input) {
        Saga saga = new Saga(input.runId(), input.ref(), input.settings());
        RunRecord r = saga.run();
        result = r;
        saga.mirror(r, null);
        return r;
    }
}
