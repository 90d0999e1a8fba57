package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Undoes a finished run from its record. Not API. */
@WorkflowInterface
public interface RunRollbackWorkflow extends ResultQuery<RunRecord> {
    @WorkflowMethod(name = "BackstepRunRollback")
    RunRecord rollback(RunRecord previous, Settings settings);
}
