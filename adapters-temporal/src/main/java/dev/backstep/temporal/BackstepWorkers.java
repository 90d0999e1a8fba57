package dev.backstep.temporal;

import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import dev.backstep.temporal.internal.JournalActivitiesImpl;
import dev.backstep.temporal.internal.PlanRunWorkflowImpl;
import dev.backstep.temporal.internal.RolloutRollbackWorkflowImpl;
import dev.backstep.temporal.internal.RolloutWorkflowImpl;
import dev.backstep.temporal.internal.RunRollbackWorkflowImpl;
import dev.backstep.temporal.internal.StepActivitiesImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;

/**
 * Registers Backstep's Temporal workers. Every host runs a host worker on its own task queue
 * ({@code backstep-<host>}): the steps of a plan for that host run there and nowhere else. One
 * (or more, for availability) control worker runs the workflows and the rollout gates on
 * {@code backstep-control}.
 *
 * <pre>{@code
 * WorkerFactory factory = WorkerFactory.newInstance(client);
 * BackstepWorkers.host(factory, "web-3", catalog, Path.of("/var/lib/backstep"));   // on web-3
 * BackstepWorkers.control(factory, catalog, Path.of("/var/lib/backstep"));         // on the deploy host
 * factory.start();
 * }</pre>
 */
public final class BackstepWorkers {
    /** The host name of the control worker: gates run there. */
    public static final String CONTROL_HOST = "control";
    /** The task queue of the workflows and of the gates. */
    public static final String CONTROL_QUEUE = "backstep-" + CONTROL_HOST;

    private BackstepWorkers() {
    }

    /** The task queue of a host: {@code backstep-<host>}. @throws TemporalConfigException for an unsafe name */
    public static String taskQueue(String host) {
        return "backstep-" + PlanRef.checkHost(host);
    }

    /**
     * Adds the worker of one host: it runs the actions and compensations of plans for this host.
     *
     * @param stateDir where step backups go ({@code backups/<runId>/<step>}, owner-only)
     * @throws TemporalConfigException for an unsafe host name or the reserved name {@code control}
     */
    public static Worker host(WorkerFactory factory, String host, PlanCatalog catalog, Path stateDir) {
        if (CONTROL_HOST.equals(host)) {
            throw new TemporalConfigException("'" + CONTROL_HOST + "' is reserved for the control worker");
        }
        return activities(factory, host, catalog, stateDir);
    }

    /**
     * Adds the control worker: the plan, rollback and rollout workflows, and the activities of
     * gate plans (which run with host {@code control}).
     */
    public static Worker control(WorkerFactory factory, PlanCatalog catalog, Path stateDir) {
        return control(factory, catalog, stateDir, null);
    }

    /**
     * As {@link #control(WorkerFactory, PlanCatalog, Path)}, and copies every finished run and
     * rollback into {@code journal} (a {@code JdbcJournal} shared with local runners, for example)
     * in Backstep's record format, so history and audits see fleet runs too. Temporal's history
     * stays the source of truth.
     *
     * @param journal where to copy runs; null for nowhere
     */
    public static Worker control(WorkerFactory factory, PlanCatalog catalog, Path stateDir, Journal journal) {
        Worker w = activities(factory, CONTROL_HOST, catalog, stateDir);
        w.registerActivitiesImplementations(new JournalActivitiesImpl(journal));
        w.registerWorkflowImplementationTypes(PlanRunWorkflowImpl.class, RunRollbackWorkflowImpl.class,
                RolloutWorkflowImpl.class, RolloutRollbackWorkflowImpl.class);
        return w;
    }

    private static Worker activities(WorkerFactory factory, String host, PlanCatalog catalog, Path stateDir) {
        TemporalConfigException.requireNonNull(factory, "the worker factory");
        TemporalConfigException.requireNonNull(catalog, "the plan catalog");
        TemporalConfigException.requireNonNull(stateDir, "the state directory");
        Worker w = factory.newWorker(taskQueue(host));
        w.registerActivitiesImplementations(new StepActivitiesImpl(host, catalog, stateDir, CommandRunner.local()));
        return w;
    }
}
