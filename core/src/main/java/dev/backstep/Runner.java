package dev.backstep;

import dev.backstep.event.RunListener;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import dev.backstep.spi.Lock;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs plans as sagas: steps in order, every event journaled, completed steps compensated in
 * reverse order when a step or verification fails.
 *
 * <pre>{@code
 * Runner runner = Backstep.runner()
 *     .journal(Journal.inMemory())
 *     .listener(RunListener.console(System.out))
 *     .build();
 * DryRun preview = runner.dryRun(plan);   // executes nothing
 * RunResult result = runner.run(plan);
 * System.out.println(result.report().toText());
 * }</pre>
 *
 * <p>Thread-safe: one runner may run several plans concurrently.
 */
public interface Runner {

    /**
     * Runs the plan. Never throws for a failing step: the outcome, with every failure, is in the
     * result. Throws {@link BackstepException} only when the run could not start (a step's
     * validation failed; nothing was changed) or the journal itself fails. Holding the target's
     * lock, it first rolls back any unfinished run of the target (a dead process's), journaled in
     * that run, and throws {@link UnfinishedRunException} naming it when that is not possible.
     */
    RunResult run(Plan plan);

    /**
     * Validates every step and previews what it would do, read-only. Executes no action, no
     * compensation, no verification.
     */
    DryRun dryRun(Plan plan);

    /**
     * Proves that the plan's rollback restores exactly what was there, on the real resources (a
     * CI job, a staging host): describes every step's resources ({@link Step#fingerprint}), runs
     * the plan with a verification appended that always fails ({@link Rehearsal#FORCED_ROLLBACK_STEP}),
     * so that every step is compensated, describes the resources again and compares. When the run
     * was rolled back and nothing differs, it runs the plan once more for real (proving it can be
     * applied again after its own rollback); that run stays applied and is
     * {@link Rehearsal#secondRun()}.
     *
     * <pre>{@code
     * Rehearsal r = runner.rehearse(plan);
     * assert r.restoredExactly() : r.toText();
     * }</pre>
     *
     * <p>Steps whose effect a rollback keeps on purpose cannot be rehearsed: a plan with a
     * {@link StepKind#PIVOT pivot} or an {@link Compensation#none irreversible} step is refused up
     * front. Steps without a fingerprint (a {@link Command}) run and are compensated, but are
     * listed as {@link Rehearsal#notFingerprinted() unchecked}.
     *
     * @throws RehearsalRefusedException before anything changed: a pivot or irreversible step, a
     *     step named like the rehearsal's verification, or a step that cannot describe its resources
     * @throws StepValidationException when a step's validation fails (nothing was changed)
     */
    Rehearsal rehearse(Plan plan);

    /**
     * Rehearses every failure point of a plan: for each stage (a step, or a parallel group) in
     * turn, runs the plan up to and including that stage, forces a failure right after it, lets
     * the run roll back and compares every resource's {@link Fingerprint} with the state before.
     * The result is a matrix failure point × resource (equal / differs, with the differing facts).
     * The first point not restored exactly ends the rehearsal (the later points are listed as not
     * rehearsed); when every point was exact the plan is applied once more for real
     * ({@link RehearsalOptions#cleanRun()}).
     *
     * <pre>{@code
     * RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());
     * assertThat(m).restoredExactlyAtEveryPoint();   // backstep-testkit
     * }</pre>
     *
     * @throws RehearsalRefusedException as {@link #rehearse(Plan)}, before anything changed
     * @throws StepValidationException when a step's validation fails (nothing was changed)
     */
    RehearsalMatrix rehearse(Plan plan, RehearsalOptions options);

    /**
     * Compensates an earlier run from its journal, in reverse order, with the same retry and
     * failure rules as a live rollback. The run's compensations are resolved from plans this
     * runner knows ({@link Builder#plan}, plans it ran) and else from the {@link Builder#registry
     * step registry}. Then, like every rollback, runs the plan's {@link Plan#afterRollback()} steps
     * and {@link Plan#verifyAfterRollback()} checks (from their journaled definitions when the plan
     * is not known). Holds the target's lock while it works.
     *
     * @return the run's new outcome: {@link RunStatus#ROLLED_BACK}, or {@link
     *     RunStatus#ROLLBACK_FAILED} naming what is still applied, or {@link RunStatus#INTERRUPTED}
     *     with a {@link LockLostException} when the lock was lost (for {@link #recover} to finish)
     * @throws RunNotFoundException when the journal does not know the run
     * @throws NothingToRollBackException when the run was rolled back already or left nothing applied
     * @throws RollbackRefusedException when a later run on the target is still applied (unless
     *     {@link RollbackOption#FORCE}), when the run never finished (use {@link #recover}), when a
     *     step's compensation cannot be resolved, when a compensation's {@link Compensation#precheck
     *     precheck} says it cannot work (a release to switch back to is gone, the run made the first
     *     release), or when a step would restore data older than its
     *     {@link dev.backstep.spi.RestoreBound} (unless {@link RollbackOption#FORCE} or
     *     {@link RollbackOption#SKIP_DATA_RESTORE}); nothing was changed
     * @throws HostAffinityException when the run ran on another host and host-local steps of it are
     *     still applied; nothing was changed
     */
    RunResult rollback(RunId runId, RollbackOption... options);

    /**
     * "Back to the last working version": rolls back, newest first, every run of {@code target}
     * that is still applied and started after the last run {@link #markGood marked good}.
     *
     * @return one result per run rolled back; empty when there was nothing to roll back
     * @throws RollbackRefusedException when no run of the target was marked good, a run after it
     *     has not finished, or a {@link Compensation#precheck precheck} of any of those runs refuses
     *     (asked for all of them before the newest is rolled back; nothing was changed)
     */
    List<RunResult> rollbackToLastGood(String target);

    /**
     * "Back to that run": rolls back, newest first, every run of {@code run}'s target that is still
     * applied and took the target after {@code run}, which stays applied. Like {@link
     * #rollbackToLastGood} (which is this with the last good run), every run is checked and every
     * compensation {@link Compensation#precheck prechecked} before the newest is rolled back, and
     * an older run is never rolled back while a newer one is still half applied.
     *
     * <pre>{@code
     * RunSummary v1 = runner.history("shop").stream().filter(s -> s.planName().endsWith(" v1")).findFirst().orElseThrow();
     * runner.rollbackTo(v1.runId(), RollbackOption.SKIP_DATA_RESTORE);   // code back to v1, data kept
     * }</pre>
     *
     * @param options {@link RollbackOption#SKIP_DATA_RESTORE} applies to every run rolled back;
     *     {@link RollbackOption#FORCE} lets stale data be restored
     * @return one result per run rolled back, newest first; empty when none is applied after {@code run}
     * @throws RunNotFoundException when the journal does not know {@code run}
     * @throws RollbackRefusedException when {@code run} is not applied (it failed or was rolled back),
     *     or a later run has not finished, passed a pivot, or cannot be rolled back (nothing was changed)
     */
    List<RunResult> rollbackTo(RunId run, RollbackOption... options);

    /**
     * Finishes runs that never did (process killed, host rebooted): rolls each back from the
     * journal. Runs held by a live process's lock are left alone, as are runs with a step whose
     * compensation cannot be resolved (reported, never guessed at), runs after which a later
     * run of the same target is still applied (reported as needing attention: compensating them
     * could undo that run's changes) and runs of another host with host-local steps still applied
     * (reported as left for their host).
     *
     * @param knownPlans plans to resolve lambda steps from, matched by plan name
     */
    Recovery recover(Plan... knownPlans);

    /** Every run of {@code target} in the journal, oldest first. */
    List<RunSummary> history(String target);

    /** The journal's view of one run. @throws RunNotFoundException for an unknown id */
    RunSummary summary(RunId runId);

    /**
     * The steps of a run that are (or may be) still applied, newest first: what a rollback of it
     * would undo, for a preview. Read-only; empty for a run rolled back already.
     *
     * <pre>{@code
     * runner.appliedSteps(id).forEach(step -> System.out.println("would undo " + step));
     * }</pre>
     *
     * @throws RunNotFoundException for an unknown id
     */
    List<String> appliedSteps(RunId runId);

    /**
     * Marks a succeeded run as verified good (after monitoring, a smoke test, a person's check).
     *
     * @throws RunNotFoundException for an unknown id
     * @throws RollbackRefusedException when the run did not succeed or was rolled back since
     */
    void markGood(RunId runId);

    /** The latest run of {@code target} marked good and still applied. */
    Optional<RunSummary> lastGood(String target);

    /**
     * Who holds the lock of {@code target}: host, pid, run and since; {@link
     * dev.backstep.spi.LockHolder#isStale()} tells a lock left behind by a dead process.
     */
    Optional<dev.backstep.spi.LockHolder> lockHolder(String target);

    /**
     * Deliberately clears a lock of {@code target} left behind by a dead process; returns whether
     * there was one. A lock held by a live process is never broken.
     *
     * @throws LockUnavailableException when a live process holds it
     */
    boolean breakLock(String target);

    /** Builder of runners. Not thread-safe. */
    interface Builder {
        /** Where every event is written. Default: {@link Journal#inMemory()}. */
        Builder journal(Journal journal);

        /** Adds a listener; listeners are called in the order added and their failures ignored. */
        Builder listener(RunListener listener);

        /** Default {@link CompensationMode#SEQUENTIAL}. */
        Builder compensation(CompensationMode mode);

        /** Default {@link CommandRunner#local()}. */
        Builder commands(CommandRunner commands);

        /**
         * Where steps keep backups ({@link StepContext#backupDir()}), one owner-only directory per
         * run. Default: a {@code backstep} directory under {@code java.io.tmpdir}.
         */
        Builder stateDir(Path dir);

        /**
         * One run per target: default {@link Lock#file(Path)} in the {@link #stateDir state
         * directory}.
         */
        Builder lock(Lock lock);

        /** How long {@link #run} waits for a target's lock before giving up. Default: not at all. */
        Builder lockWait(Duration wait);

        /** Resolves compensations of journaled steps by type. Default {@link StepRegistry#discover()}. */
        Builder registry(StepRegistry registry);

        /**
         * Registers the compensation of a user's step type, on top of the {@link #registry registry}:
         * steps built with {@code Step.named(..).type(type)} are undone by it live (when they have no
         * own compensation) and from the journal alone ({@link Runner#rollback}, {@link Runner#recover}
         * in a process that does not hold the plan). A typed step whose type is registered nowhere is
         * refused by {@link Runner#run} (nothing changed) and by rollbacks from the journal
         * ({@link RollbackRefusedException} naming the type and the step).
         *
         * <pre>{@code
         * Runner runner = Backstep.runner().journal(Journal.directory(state))
         *     .compensation("acme.pip-sync", ctx -> pipRestore(ctx.recorded("freeze").orElseThrow()))
         *     .build();
         * }</pre>
         *
         * @throws PlanDefinitionException when the type is blank, {@link Step#CUSTOM_TYPE}, or registered
         *     twice with another compensation
         */
        Builder compensation(String type, Compensation compensation);

        /**
         * Retry and timeout of compensations found through the {@link #registry registry} by
         * {@link Runner#rollback} and {@link Runner#recover}. Default
         * {@link Defaults#JOURNAL_COMPENSATION_POLICY}.
         */
        Builder journalCompensationPolicy(StepPolicy policy);

        /** A plan whose steps' compensations {@link Runner#rollback} and {@link Runner#recover} may use. */
        Builder plan(Plan plan);

        /** Default {@link Clock#systemUTC()}. */
        Builder clock(Clock clock);

        /**
         * The name of the host this runner acts on, recorded in every run it starts. A run whose
         * steps changed host-local resources (files, releases, git working copies, local commands
         * and units) is rolled back and recovered only by a runner of the same host name; see
         * {@link Step#hostIndependent()}. Default: {@link dev.backstep.spi.Locks#localHost()}.
         *
         * <pre>{@code
         * Backstep.runner().journal(JdbcJournal.create(ds)).host("deploy-1").build();
         * }</pre>
         *
         * @throws PlanDefinitionException when blank, longer than 255 characters or with control characters
         */
        Builder host(String host);

        Runner build();
    }
}
