package dev.backstep.temporal.internal;

import dev.backstep.temporal.PlanRef;
import dev.backstep.temporal.internal.Shapes.PlanShape;
import dev.backstep.temporal.internal.Shapes.StepCall;
import dev.backstep.temporal.internal.Shapes.StepDone;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The activities of a host's worker: they run steps of plans from the worker's catalog. Not API. */
@ActivityInterface
public interface StepActivities {

    /**
     * Builds the plan, takes the lock of its target on the host for this workflow (one run per
     * target at a time), validates its steps read-only, returns what the workflow needs to know.
     */
    @ActivityMethod(name = "BackstepDescribe")
    PlanShape describe(PlanRef ref, String runId);

    /** Releases the lock of the plan's target that this workflow holds on the host. */
    @ActivityMethod(name = "BackstepRelease")
    void release(PlanRef ref, String target);

    /** Runs one attempt of a step's action; the recorded values are the result. */
    @ActivityMethod(name = "BackstepExecute")
    StepDone execute(StepCall call);

    /** Runs one attempt of a step's compensation from the recorded values only. */
    @ActivityMethod(name = "BackstepCompensate")
    StepDone compensate(StepCall call);
}
