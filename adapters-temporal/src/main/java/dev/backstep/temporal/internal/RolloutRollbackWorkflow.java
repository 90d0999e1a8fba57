package dev.backstep.temporal.internal;

import dev.backstep.temporal.RolloutResult;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Undoes a finished rollout on every host still deployed, newest first. Not API. */
@WorkflowInterface
public interface RolloutRollbackWorkflow extends ResultQuery<RolloutResult> {
    @WorkflowMethod(name = "BackstepRolloutRollback")
    RolloutResult rollback(RolloutResult done, Settings settings);
}
