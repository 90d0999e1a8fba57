package dev.backstep.temporal;

import dev.backstep.BackstepException;
import dev.backstep.CompensationMode;
import dev.backstep.NothingToRollBackException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.temporal.internal.PlanRunWorkflow;
import dev.backstep.temporal.internal.RolloutRollbackWorkflow;
import dev.backstep.temporal.internal.RolloutWorkflow;
import dev.backstep.temporal.internal.RunRollbackWorkflow;
import dev.backstep.temporal.internal.Shapes.RunInput;
import dev.backstep.temporal.internal.Shapes.Settings;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs Backstep plans and rollouts on Temporal. The caller names every run: the run id is the
 * workflow id, so starting the same run again (the deploy tool restarted) attaches to the run
 * already going or finished instead of starting a second one. Temporal's history is the journal:
 * each attempt of a step is an activity on the host's task queue and returns what the step
 * recorded.
 *
 * <pre>{@code
 * BackstepWorkflows workflows = BackstepWorkflows.builder(client)
 *     .heartbeatTimeout(Duration.ofSeconds(10))   // how fast a dead host worker is noticed
 *     .hostLostAfter(Duration.ofMinutes(15))      // then its step counts as cut off
 *     .build();
 * RunResult r = workflows.run(RunId.of("deploy-web-3-1.3.0"),
 *         PlanRef.of("deploy-web", "web-3").with("version", "1.3.0"), Duration.ofMinutes(30));
 * RolloutResult all = workflows.rollout("rollout-1.3.0", rollout, Duration.ofHours(2));
 * workflows.rollback("rollout-1.3.0", Duration.ofHours(1));   // later: undo it on every host
 * }</pre>
 *
 * <p>Cancelling a run's or a rollout's workflow (Temporal UI, {@code tctl}) rolls back what it
 * did: the running step is stopped on its host and compensated with the others; a rollout lets
 * the host runs in flight finish, then rolls back every host it deployed. The result is still
 * returned by {@link #result} and {@link #rolloutResult}.
 *
 * <p>Thread-safe.
 */
public final class BackstepWorkflows {
    private final WorkflowClient client;
    private final Settings settings;

    private BackstepWorkflows(WorkflowClient client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    public static BackstepWorkflows of(WorkflowClient client) {
        return builder(client).build();
    }

    public static Builder builder(WorkflowClient client) {
        return new Builder(client);
    }

    /**
     * Starts a plan's run, or attaches to the run of this id if it exists (running or finished).
     *
     * @throws BackstepException for a run id Backstep does not accept
     */
    public RunId start(RunId runId, PlanRef ref) {
        Objects.requireNonNull(ref, "ref");
        PlanRunWorkflow wf = client.newWorkflowStub(PlanRunWorkflow.class, options(runId.value()));
        startOrAttach(w -> WorkflowClient.start(wf::run, new RunInput(runId.value(), ref, settings)));
        return runId;
    }

    /** Waits for a run and returns its record. @throws BackstepException when it is still running after {@code timeout} */
    public RunRecord record(RunId runId, Duration timeout) {
        return await(runId.value(), RunRecord.class, timeout);
    }

    /** Waits for a run and returns its result. @throws BackstepException when it is still running after {@code timeout} */
    public RunResult result(RunId runId, Duration timeout) {
        return record(runId, timeout).toRunResult();
    }

    /** Starts (or attaches to) a run and waits for its result. */
    public RunResult run(RunId runId, PlanRef ref, Duration timeout) {
        start(runId, ref);
        return result(runId, timeout);
    }

    /**
     * Undoes a run that succeeded, on its host, from the values its steps recorded (workflow
     * {@code <runId>.rollback}; asking again attaches to it).
     *
     * @throws NothingToRollBackException when the run did not succeed (it rolled itself back)
     */
    public RunResult rollback(RunId runId, Duration timeout) {
        RunRecord previous = record(runId, timeout);
        if (!previous.succeeded()) {
            throw new NothingToRollBackException(runId, "it ended " + previous.status());
        }
        String id = runId.value() + ".rollback";
        RunRollbackWorkflow wf = client.newWorkflowStub(RunRollbackWorkflow.class, options(id));
        startOrAttach(w -> WorkflowClient.start(wf::rollback, previous, settings));
        return await(id, RunRecord.class, timeout).toRunResult();
    }

    /**
     * Starts a rollout, or attaches to the rollout of this id. Hosts run as
     * {@code <rolloutId>.<host>}, gates as {@code <rolloutId>.gate-<batch>}.
     *
     * @throws BackstepException for an id (or an id derived from it) Backstep does not accept
     */
    public String startRollout(String rolloutId, Rollout rollout) {
        Objects.requireNonNull(rollout, "rollout");
        String id = RunId.of(rolloutId).value();
        // every id the rollout will derive must be valid too: checked here, not inside the workflow
        for (String host : rollout.hosts()) {
            RunId.of(id + ".rollback." + host);
        }
        RunId.of(id + ".gate-" + rollout.hosts().size());
        RolloutWorkflow wf = client.newWorkflowStub(RolloutWorkflow.class, options(id));
        startOrAttach(w -> WorkflowClient.start(wf::run, rollout, settings));
        return id;
    }

    /** Waits for a rollout. @throws BackstepException when it is still running after {@code timeout} */
    public RolloutResult rolloutResult(String rolloutId, Duration timeout) {
        return await(rolloutId, RolloutResult.class, timeout);
    }

    /** Starts (or attaches to) a rollout and waits for it. */
    public RolloutResult rollout(String rolloutId, Rollout rollout, Duration timeout) {
        return rolloutResult(startRollout(rolloutId, rollout), timeout);
    }

    /**
     * Undoes a finished rollout on every host it left deployed, newest first (workflow
     * {@code <rolloutId>.rollback}; asking again attaches to it).
     *
     * @throws NothingToRollBackException when the rollout left no host deployed
     */
    public RolloutResult rollback(String rolloutId, Duration timeout) {
        RolloutResult done = rolloutResult(rolloutId, timeout);
        if (done.hosts().stream().noneMatch(h -> h.state() == HostOutcome.State.DEPLOYED)) {
            throw new NothingToRollBackException(RunId.of(rolloutId), "rollout ended " + done.status()
                    + " with no host deployed");
        }
        String id = rolloutId + ".rollback";
        RolloutRollbackWorkflow wf = client.newWorkflowStub(RolloutRollbackWorkflow.class, options(id));
        startOrAttach(w -> WorkflowClient.start(wf::rollback, done, settings));
        return await(id, RolloutResult.class, timeout);
    }

    private WorkflowOptions options(String workflowId) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(RunId.of(workflowId).value())
                .setTaskQueue(BackstepWorkers.CONTROL_QUEUE)
                // a finished run keeps its id: starting it again attaches to its result
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build();
    }

    private static void startOrAttach(Consumer<Void> start) {
        try {
            start.accept(null);
        } catch (WorkflowExecutionAlreadyStarted e) {
            // the same id is running or ran already: attach to it
        }
    }

    private <T> T await(String workflowId, Class<T> type, Duration timeout) {
        WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
        try {
            return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, type);
        } catch (TimeoutException e) {
            throw new BackstepException("workflow " + workflowId + " still running after " + timeout);
        } catch (WorkflowFailedException e) {
            if (!(e.getCause() instanceof CanceledFailure)) {
                throw e;
            }
            // cancelled: the workflow rolled back what it had done and kept its result for queries
            T result = stub.query("BackstepResult", type);
            if (result == null) {
                throw new BackstepException("workflow " + workflowId + " was cancelled before it had a result");
            }
            return result;
        }
    }

    /** Builder of {@link BackstepWorkflows}. Not thread-safe. */
    public static final class Builder {
        private final WorkflowClient client;
        private Duration heartbeat = Duration.ofSeconds(10);
        private Duration defaultStepTimeout = Duration.ofHours(1);
        private Duration hostLostAfter = Duration.ofMinutes(15);
        private CompensationMode compensation = CompensationMode.SEQUENTIAL;

        private Builder(WorkflowClient client) {
            this.client = TemporalConfigException.requireNonNull(client, "the workflow client");
        }

        /** How long a host worker may stay silent during a step before its attempt is retried elsewhere. */
        public Builder heartbeatTimeout(Duration d) {
            this.heartbeat = positive("heartbeatTimeout", d);
            return this;
        }

        /** The limit of one attempt of a step that declares no timeout. */
        public Builder defaultStepTimeout(Duration d) {
            this.defaultStepTimeout = positive("defaultStepTimeout", d);
            return this;
        }

        /** How long a step waits for its host's worker to come back before it counts as cut off. */
        public Builder hostLostAfter(Duration d) {
            this.hostLostAfter = positive("hostLostAfter", d);
            return this;
        }

        public Builder compensation(CompensationMode mode) {
            this.compensation = TemporalConfigException.requireNonNull(mode, "the compensation mode");
            return this;
        }

        public BackstepWorkflows build() {
            return new BackstepWorkflows(client, new Settings(heartbeat.toMillis(), defaultStepTimeout.toMillis(),
                    hostLostAfter.toMillis(), compensation));
        }

        private static Duration positive(String what, Duration d) {
            TemporalConfigException.requireNonNull(d, what);
            if (d.isZero() || d.isNegative()) {
                throw new TemporalConfigException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
