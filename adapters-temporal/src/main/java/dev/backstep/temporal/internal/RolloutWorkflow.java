package dev.backstep.temporal.internal;

import dev.backstep.temporal.Rollout;
import dev.backstep.temporal.RolloutResult;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A rolling deploy, batch by batch; the workflow id is the rollout id. Not API. */
@WorkflowInterface
public interface RolloutWorkflow {
    @WorkflowMethod(name = "BackstepRollout")
    RolloutResult run(Rollout rollout, Settings settings);

    /** The result once the workflow has one: a cancelled workflow ends CANCELED but still rolled back. */
    @QueryMethod(name = "BackstepResult")
    RolloutResult result();
}
