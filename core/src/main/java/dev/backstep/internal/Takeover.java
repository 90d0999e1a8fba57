package dev.backstep.internal;

import dev.backstep.Plan;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.UnfinishedRunException;
import dev.backstep.spi.Journal;
import dev.backstep.spi.Lock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run does once it holds its target's lock, before its first step: it finishes every
 * unfinished run of the target (a dead process's or an interrupted one's) by compensating it,
 * journaled in that run, newest first, and takes its own place in the target's order
 * ({@link RunOrder}). When such a run cannot be recovered, the new run is refused with
 * {@link UnfinishedRunException} naming it. An unfinished run older than a run that is still
 * applied is left alone (compensating it could undo that run's changes): recover() reports it.
 *
 * <p>With {@link Lock#none()} nothing tells a dead run from a live one, so no run is taken over,
 * and as no lock is taken the run gets no place (it keeps its id order).
 *
 * <pre>{@code
 * long place = takeover.prepare(plan, runId); // lock held
 * }</pre>
 */
final class Takeover {
    private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);
    private final Journal journal;
    private final JournalRollbacks rollbacks;
    private final Lock lock;
    private final Map<String, Plan> knownPlans;
    /** The target of each run seen, so that runs of other targets are read once only. */
    private final Map<RunId, String> targets = new java.util.concurrent.ConcurrentHashMap<>();

    Takeover(Journal journal, JournalRollbacks rollbacks, Lock lock, Map<String, Plan> knownPlans) {
        this.journal = journal;
        this.rollbacks = rollbacks;
        this.lock = lock;
        this.knownPlans = knownPlans;
    }

    /** Recovers the target's unfinished runs; returns the place of {@code runId}. Lock held. */
    long prepare(Plan plan, RunId runId) {
        // a damaged run file of some run must not stop every deploy: recover() reports it
        java.util.function.Consumer<dev.backstep.JournalCorruptedException> damaged = e -> LOG.warn(
                "run {} of plan '{}': a journaled run is damaged and left to recover(): {}", runId, plan.name(),
                e.getMessage());
        if (lock instanceof NoLock) {
            return 0; // no lock, no order of taking it: such runs keep their id order
        }
        List<RunState> runs = RunOrder.runsOf(journal, plan.target(), damaged, targets);
        List<RunState> unfinished = runs.stream().filter(RunState::needsRecovery)
                .filter(r -> !r.runId.equals(runId)).sorted(RunOrder.OLDEST_FIRST.reversed()).toList();
        for (RunState seen : unfinished) {
            RunState u = rollbacks.replay(seen.runId);
            List<RunSummary> later = rollbacks.laterApplied(u);
            if (!later.isEmpty()) {
                LOG.warn("run {} of target '{}' is unfinished but left alone: {}", u.runId, u.target,
                        JournalRollbacks.needsAttention(u, later));
                continue;
            }
            LOG.warn("target '{}': run {} of plan '{}' did not finish; run {} rolls it back before its first step",
                    u.target, u.runId, u.planName, runId);
            Map<String, Plan> plans = new HashMap<>(knownPlans);
            plans.putIfAbsent(plan.name(), plan);
            RunResult res;
            try {
                res = rollbacks.recoverHeld(u, plans, "recovery of unfinished run " + u.runId + " by run " + runId
                        + " of plan '" + plan.name() + "' before its first step");
            } catch (RollbackRefusedException e) {
                throw new UnfinishedRunException(u.runId, u.target, refused(plan, u) + e.getMessage(), null);
            }
            if (res.status() == RunStatus.INTERRUPTED) {
                Thread.currentThread().interrupt();
            }
            if (res.status() != RunStatus.ROLLED_BACK && res.status() != RunStatus.FAILED_AFTER_PIVOT) {
                throw new UnfinishedRunException(u.runId, u.target, refused(plan, u) + "its recovery ended "
                        + res.status() + res.failure().map(f -> ": " + Errors.message(f)).orElse(""), res);
            }
        }
        return RunOrder.next(RunOrder.runsOf(journal, plan.target(), damaged, targets));
    }

    private static String refused(Plan plan, RunState u) {
        return "plan '" + plan.name() + "' did not start (nothing of it ran): target '" + u.target
                + "' has the unfinished run " + u.runId + " of plan '" + u.planName
                + "', which must be rolled back first and could not be; ";
    }
}
