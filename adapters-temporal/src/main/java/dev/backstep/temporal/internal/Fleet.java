package dev.backstep.temporal.internal;

import dev.backstep.RunStatus;
import dev.backstep.temporal.HostOutcome;
import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Workflow code shared by the rollout and its later rollback. Not API. */
final class Fleet {
    private Fleet() {
    }

    /**
     * Rolls back, newest first, every host of {@code deployed} (in deploy order), each by a child
     * workflow {@code <rolloutId>.rollback.<host>}; updates {@code hosts}. Returns the rollback order.
     */
    static List<String> rollBack(String rolloutId, Map<String, HostOutcome> hosts, List<String> deployed,
                                 Settings settings) {
        List<String> order = new ArrayList<>();
        for (int i = deployed.size() - 1; i >= 0; i--) {
            String host = deployed.get(i);
            HostOutcome h = hosts.get(host);
            RunRollbackWorkflow child = Workflow.newChildWorkflowStub(RunRollbackWorkflow.class,
                    ChildWorkflowOptions.newBuilder().setWorkflowId(rolloutId + ".rollback." + host).build());
            RunRecord r = child.rollback(h.deploy(), settings);
            // a kept pivot leaves the host changed: only a complete rollback counts as ROLLED_BACK
            HostOutcome.State state = r.status() == RunStatus.ROLLED_BACK ? HostOutcome.State.ROLLED_BACK
                    : HostOutcome.State.ROLLBACK_FAILED;
            hosts.put(host, new HostOutcome(host, h.batch(), state, h.deploy(), r));
            order.add(host);
        }
        return order;
    }

    /** The first failure of a run, as one line. */
    static String why(RunRecord r) {
        return r.failures().isEmpty() ? r.status().name() : r.status() + ": " + r.failures().get(0).message();
    }
}
