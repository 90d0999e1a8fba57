package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.RunInput;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One run of a plan on one host; the workflow id is the run id. Not API. */
@WorkflowInterface
public interface PlanRunWorkflow extends ResultQuery<RunRecord> {
    @WorkflowMethod(name = "BackstepPlanRun")
    RunRecord run(RunInput input);
}
