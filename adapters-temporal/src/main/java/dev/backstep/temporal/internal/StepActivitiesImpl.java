package dev.backstep.temporal.internal;

import dev.backstep.CommandInterruptedException;
import dev.backstep.CommandTimeoutException;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepTimeoutException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.temporal.PlanCatalog;
import dev.backstep.temporal.PlanRef;
import dev.backstep.temporal.TemporalConfigException;
import dev.backstep.temporal.internal.Shapes.PlanShape;
import dev.backstep.temporal.internal.Shapes.StepCall;
import dev.backstep.temporal.internal.Shapes.StepDone;
import dev.backstep.temporal.internal.Shapes.StepFailure;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs steps on the host this worker stands for. The action runs on its own thread while the
 * activity thread heartbeats (so a lost worker is noticed) and enforces the step's timeout; a
 * failure of the action comes back as a non-retryable failure carrying what the action recorded,
 * and the workflow applies the step's retry policy. Not API.
 */
public final class StepActivitiesImpl implements StepActivities {
    /** Failure type of an action that threw. */
    public static final String STEP_FAILED = "BackstepStepFailed";
    /** Failure type of an action or compensation cut off at its timeout. */
    public static final String TIMED_OUT = "BackstepTimedOut";
    /** Failure type of a compensation that threw. */
    public static final String COMPENSATION_FAILED = "BackstepCompensationFailed";
    /** Failure type of a reference the catalog cannot build or a step it does not have. */
    public static final String CONFIG = "BackstepConfig";

    private static final AtomicInteger THREADS = new AtomicInteger();
    private final String host;
    private final PlanCatalog catalog;
    private final HostFiles files;
    private final CommandRunner commands;
    private final ExecutorService pool;

    public StepActivitiesImpl(String host, PlanCatalog catalog, Path stateDir, CommandRunner commands) {
        this.host = host;
        this.catalog = catalog;
        this.files = new HostFiles(stateDir);
        this.commands = commands;
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "backstep-step-" + host + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public PlanShape describe(PlanRef ref, String runId) {
        Plan plan = resolve(ref);
        PlanShape shape = PlanShape.of(plan);
        ActivityExecutionContext ax = Activity.getExecutionContext();
        String holder = ax.getInfo().getWorkflowId();
        Optional<String> other = files.lock(plan.target(), holder, id -> running(ax.getWorkflowClient(), id));
        if (other.isPresent()) {
            return shape.locked(other.get());
        }
        for (Step s : plan.steps()) {
            StepContext ctx = context(plan, s, runId, StepContext.Phase.VALIDATE, 1, Map.of(), v -> { },
                    () -> false);
            try {
                s.validate(ctx);
            } catch (Exception e) {
                return shape.invalid(s.name(), mask(describe(e), secrets(plan)));
            }
        }
        return shape;
    }

    @Override
    public void release(PlanRef ref, String target) {
        files.unlock(target, Activity.getExecutionContext().getInfo().getWorkflowId());
    }

    /** Whether the workflow holding a lock still runs; a closed or unknown one left its lock behind. */
    private static boolean running(WorkflowClient client, String workflowId) {
        try {
            return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
                    == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        } catch (WorkflowNotFoundException e) {
            return false;
        }
    }

    @Override
    public StepDone execute(StepCall call) {
        return run(call, StepContext.Phase.FORWARD);
    }

    @Override
    public StepDone compensate(StepCall call) {
        return run(call, StepContext.Phase.COMPENSATE);
    }

    private StepDone run(StepCall call, StepContext.Phase phase) {
        Plan plan = resolve(call.ref());
        Step step = plan.step(call.step()).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                "plan '" + plan.name() + "' has no step '" + call.step() + "'", CONFIG));
        ActivityExecutionContext ax = Activity.getExecutionContext();
        List<String> secrets = secrets(plan);
        Map<String, String> values = new LinkedHashMap<>(call.recorded());
        if (phase == StepContext.Phase.FORWARD) {
            // an attempt lost with its worker left what it recorded on this host's disk (and in its
            // last heartbeat): those values describe the state before the step and win over
            // anything this attempt records
            files.recorded(call.runId(), step.name()).forEach(values::putIfAbsent);
            ax.getHeartbeatDetails(StepDone.class).ifPresent(d -> d.recorded().forEach(values::putIfAbsent));
        }
        AtomicReference<ActivityCompletionException> stop = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        ActivityStepContext ctx = context(plan, step, call.runId(), phase, call.attempt(), values,
                snapshot -> {
                    files.record(call.runId(), step.name(), snapshot);
                    heartbeat(ax, mask(snapshot, secrets), stop);
                }, cancelled::get);
        Optional<Duration> timeout = phase == StepContext.Phase.FORWARD ? step.policy().timeout()
                : step.policy().compensationTimeout();
        Future<?> f = pool.submit(() -> {
            if (phase == StepContext.Phase.FORWARD) {
                step.execute(ctx);
            } else {
                step.compensation().compensate(ctx);
            }
            return null;
        });
        long start = System.nanoTime();
        Duration hb = ax.getInfo().getHeartbeatTimeout();
        long pollMs = hb == null || hb.isZero() ? 1000 : Math.max(50, Math.min(2000, hb.toMillis() / 4));
        while (true) {
            try {
                f.get(pollMs, TimeUnit.MILLISECONDS);
                // Temporal's history is the journal: no secret of the run goes into it
                return new StepDone(mask(ctx.recordedValues(), secrets), mask(ctx.summaryText(), secrets));
            } catch (TimeoutException e) {
                if (timeout.isPresent() && System.nanoTime() - start >= timeout.get().toNanos()) {
                    cancelled.set(true);
                    stopAndWait(f);
                    throw ApplicationFailure.newNonRetryableFailure("step '" + step.name() + "' "
                            + (phase == StepContext.Phase.FORWARD ? "" : "compensation ")
                            + "timed out after " + timeout.get(), TIMED_OUT,
                            new StepFailure(mask(ctx.recordedValues(), secrets), true));
                }
                heartbeat(ax, mask(ctx.recordedValues(), secrets), stop);
                if (stop.get() != null) {
                    // cancelled, or this worker is shutting down: the attempt is retried elsewhere
                    cancelled.set(true);
                    stopAndWait(f);
                    throw stop.get();
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw ApplicationFailure.newNonRetryableFailure(mask(describe(cause), secrets),
                        phase == StepContext.Phase.FORWARD ? STEP_FAILED : COMPENSATION_FAILED,
                        new StepFailure(mask(ctx.recordedValues(), secrets), outcomeUnknown(cause)));
            } catch (InterruptedException e) {
                // the worker is shutting down: not a failure of the step, Temporal retries the attempt
                cancelled.set(true);
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw Activity.wrap(e);
            }
        }
    }

    private static void heartbeat(ActivityExecutionContext ax, Map<String, String> values,
                                  AtomicReference<ActivityCompletionException> stop) {
        try {
            ax.heartbeat(new StepDone(values, null));
        } catch (ActivityCompletionException e) {
            stop.compareAndSet(null, e);
        }
    }

    private static void stopAndWait(Future<?> f) {
        f.cancel(true);
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the action was interrupted; what it recorded is reported, it may be partly applied
        }
    }

    private Plan resolve(PlanRef ref) {
        if (!host.equals(ref.host())) {
            throw ApplicationFailure.newNonRetryableFailure("plan '" + ref.plan() + "' is for host '" + ref.host()
                    + "' but reached the worker of host '" + host + "'", CONFIG);
        }
        try {
            return catalog.resolve(ref);
        } catch (TemporalConfigException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), CONFIG);
        }
    }

    private ActivityStepContext context(Plan plan, Step step, String runId, StepContext.Phase phase, int attempt,
                                        Map<String, String> values,
                                        Consumer<Map<String, String>> onRecord,
                                        Supplier<Boolean> cancelled) {
        return new ActivityStepContext(RunId.of(runId), plan.name(), plan.target(), step.name(), phase, attempt,
                values, onRecord, () -> files.dir("backups", runId, step.name()), commands, cancelled);
    }

    /** The clear values of every secret a step of the plan holds: masked wherever the run writes text. */
    private static List<String> secrets(Plan plan) {
        return plan.steps().stream().flatMap(st -> st.secrets().stream()).map(Secret::reveal)
                .filter(v -> !v.isEmpty()).distinct().toList();
    }

    static String mask(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String v : secrets) {
            out = out.replace(v, Secret.MASK);
        }
        return out;
    }

    static Map<String, String> mask(Map<String, String> values, List<String> secrets) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(mask(k, secrets), mask(v, secrets)));
        return out;
    }

    static boolean outcomeUnknown(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StepTimeoutException || c instanceof CommandTimeoutException
                    || c instanceof CommandInterruptedException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
