package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.RunInput;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One run of a plan on one host; the workflow id is the run id. Not API. */
@WorkflowInterface
public interface PlanRunWorkflow {
    @WorkflowMethod(name = "BackstepPlanRun")
    RunRecord run(RunInput input);

    /** The result once the workflow has one: a cancelled workflow ends CANCELED but still rolled back. */
    @QueryMethod(name = "BackstepResult")
    RunRecord result();
}
