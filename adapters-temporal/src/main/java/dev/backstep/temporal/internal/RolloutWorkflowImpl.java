package dev.backstep.temporal.internal;

import dev.backstep.temporal.BackstepWorkers;
import dev.backstep.temporal.HostOutcome;
import dev.backstep.temporal.PlanRef;
import dev.backstep.temporal.Rollout;
import dev.backstep.temporal.RolloutResult;
import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.internal.Shapes.RunInput;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deploys batch by batch (each host a child {@link PlanRunWorkflow} {@code <rolloutId>.<host>},
 * at most {@code maxUnavailable} at a time), soaks and runs the gate after each batch, and on the
 * first failure rolls back every host deployed so far, newest first. Not API.
 */
public final class RolloutWorkflowImpl extends ResultHolder<RolloutResult> implements RolloutWorkflow {
    private static final String CANCELLED = "the rollout was cancelled";
    @Override
    public RolloutResult run(Rollout rollout, Settings settings) {
        result = deploy(rollout, settings);
        return result;
    }

    private RolloutResult deploy(Rollout rollout, Settings settings) {
        String id = Workflow.getInfo().getWorkflowId();
        List<List<String>> batches = rollout.batches();
        Map<String, HostOutcome> hosts = new LinkedHashMap<>();
        for (int b = 0; b < batches.size(); b++) {
            for (String h : batches.get(b)) {
                hosts.put(h, new HostOutcome(h, b + 1, HostOutcome.State.UNTOUCHED, null, null));
            }
        }
        List<String> deployed = new ArrayList<>();
        List<RunRecord> gates = new ArrayList<>();
        String reason = null;
        for (int b = 1; b <= batches.size() && reason == null; b++) {
            List<String> batch = batches.get(b - 1);
            for (int i = 0; i < batch.size() && reason == null; i += rollout.maxUnavailable()) {
                if (CancellationScope.current().isCancelRequested()) {
                    reason = CANCELLED;
                    break;
                }
                List<String> window = batch.subList(i, Math.min(batch.size(), i + rollout.maxUnavailable()));
                List<Promise<RunRecord>> runs = new ArrayList<>();
                // host runs are not cancelled with the rollout: they finish, then the rollout
                // rolls back every host it deployed
                Workflow.newDetachedCancellationScope(() -> {
                    for (String host : window) {
                        PlanRunWorkflow child = Workflow.newChildWorkflowStub(PlanRunWorkflow.class,
                                ChildWorkflowOptions.newBuilder().setWorkflowId(id + "." + host).build());
                        runs.add(Async.function(child::run,
                                new RunInput(id + "." + host, rollout.refFor(host), settings)));
                    }
                }).run();
                for (int k = 0; k < window.size(); k++) {
                    String host = window.get(k);
                    RunRecord r = runs.get(k).get();
                    if (r.succeeded()) {
                        hosts.put(host, new HostOutcome(host, b, HostOutcome.State.DEPLOYED, r, null));
                        deployed.add(host);
                    } else {
                        hosts.put(host, new HostOutcome(host, b, r.stillApplied().isEmpty()
                                ? HostOutcome.State.FAILED : HostOutcome.State.ROLLBACK_FAILED, r, null));
                        if (reason == null) {
                            reason = "host '" + host + "' in batch " + b + " failed: " + Fleet.why(r);
                        }
                    }
                }
            }
            if (reason == null && CancellationScope.current().isCancelRequested()) {
                reason = CANCELLED;
            }
            if (reason == null && rollout.gate() != null) {
                if (rollout.soakMillis() > 0) {
                    try {
                        Workflow.sleep(Duration.ofMillis(rollout.soakMillis()));
                    } catch (CanceledFailure c) {
                        reason = CANCELLED;
                        break;
                    }
                }
                Map<String, String> params = new LinkedHashMap<>(rollout.params());
                params.put("batch", Integer.toString(b));
                params.put("hosts", String.join(",", batch));
                params.put("deployed", String.join(",", deployed));
                int batchNo = b;
                List<RunRecord> gate = new ArrayList<>();
                Workflow.newDetachedCancellationScope(() -> gate.add(Workflow.newChildWorkflowStub(
                        PlanRunWorkflow.class,
                        ChildWorkflowOptions.newBuilder().setWorkflowId(id + ".gate-" + batchNo).build())
                        .run(new RunInput(id + ".gate-" + batchNo,
                                new PlanRef(rollout.gate(), BackstepWorkers.CONTROL_HOST, params), settings))))
                        .run();
                RunRecord g = gate.get(0);
                gates.add(g);
                if (!g.succeeded()) {
                    reason = "gate '" + rollout.gate() + "' after batch " + b + " failed: " + Fleet.why(g);
                }
            }
        }
        if (reason == null) {
            return new RolloutResult(id, rollout, RolloutResult.Status.SUCCEEDED, null, List.copyOf(hosts.values()),
                    gates, List.of());
        }
        List<String> order = new ArrayList<>();
        // the rollback runs to its end, also when the rollout was cancelled
        Workflow.newDetachedCancellationScope(() -> order.addAll(Fleet.rollBack(id, hosts, deployed, settings)))
                .run();
        boolean clean = hosts.values().stream().noneMatch(h -> h.state() == HostOutcome.State.ROLLBACK_FAILED);
        return new RolloutResult(id, rollout, clean ? RolloutResult.Status.ROLLED_BACK
                : RolloutResult.Status.ROLLBACK_FAILED, reason, List.copyOf(hosts.values()), gates, order);
    }
}
