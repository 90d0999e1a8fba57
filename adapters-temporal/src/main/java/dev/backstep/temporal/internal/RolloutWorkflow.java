package dev.backstep.temporal.internal;

import dev.backstep.temporal.Rollout;
import dev.backstep.temporal.RolloutResult;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A rolling deploy, batch by batch; the workflow id is the rollout id. Not API. */
@WorkflowInterface
public interface RolloutWorkflow extends ResultQuery<RolloutResult> {
    @WorkflowMethod(name = "BackstepRollout")
    RolloutResult run(Rollout rollout, Settings settings);
}
