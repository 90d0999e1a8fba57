package dev.backstep.temporal.internal;

import dev.backstep.temporal.HostOutcome;
import dev.backstep.temporal.RolloutResult;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rolls back every host a finished rollout left deployed, newest deploy first. Not API. */
public final class RolloutRollbackWorkflowImpl extends ResultHolder<RolloutResult> implements RolloutRollbackWorkflow {
    @Override
    public RolloutResult rollback(RolloutResult done, Settings settings) {
        Map<String, HostOutcome> hosts = new LinkedHashMap<>();
        done.hosts().forEach(h -> hosts.put(h.host(), h));
        // deploy order: by batch, then in the rollout's host order (as the rollout started them)
        List<String> deployed = new ArrayList<>(done.hosts().stream()
                .filter(h -> h.state() == HostOutcome.State.DEPLOYED)
                .sorted(Comparator.comparingInt(HostOutcome::batch)
                        .thenComparingInt(h -> done.rollout().hosts().indexOf(h.host())))
                .map(HostOutcome::host).toList());
        List<String> order = new ArrayList<>();
        // a rollback that started runs to its end, also when its workflow is cancelled
        Workflow.newDetachedCancellationScope(() -> order.addAll(Fleet.rollBack(done.rolloutId(), hosts, deployed,
                settings))).run();
        boolean clean = hosts.values().stream().noneMatch(h -> h.state() == HostOutcome.State.ROLLBACK_FAILED);
        List<String> all = new ArrayList<>(done.rolledBack());
        all.addAll(order);
        result = new RolloutResult(Workflow.getInfo().getWorkflowId(), done.rollout(),
                clean ? RolloutResult.Status.ROLLED_BACK : RolloutResult.Status.ROLLBACK_FAILED,
                "rollback of rollout " + done.rolloutId() + " requested", List.copyOf(hosts.values()), done.gates(),
                all);
        return result;
    }
}
