package dev.backstep;

import dev.backstep.internal.DefaultPlan;
import dev.backstep.internal.PlanBuilder;
import java.util.List;
import java.util.Optional;

/**
 * An immutable, validated sequence of steps: single steps, {@link Builder#parallel parallel
 * groups} and included sub-plans, run in order and compensated in reverse order.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy shop v1.3.0")
 *     .target("shop-prod")
 *     .step(Git.checkout(repo, "v1.3.0"))
 *     .parallel(warmCache, rebuildSearchIndex)
 *     .verify(Check.http(health).status(200))
 *     .build();
 * System.out.println(plan.describe());
 * }</pre>
 *
 * <p>Thread-safe: a plan can be run many times, by several runners.
 */
public interface Plan {

    String name();

    /**
     * What the plan changes (a host, an app, an environment): one run per target at a time, and
     * the history of "last good" runs is kept per target. Defaults to the plan name.
     */
    String target();

    /** The stages in execution order; every stage holds one step or a parallel group. */
    List<Stage> stages();

    /** Every step, in execution order (members of a parallel group in declaration order). */
    List<Step> steps();

    /** The step with this name. */
    Optional<Step> step(String name);

    /**
     * Steps that run during a rollback of this plan's runs, after every compensation (restart a
     * service, rebuild caches): see {@link Builder#afterRollback}.
     */
    default List<Step> afterRollback() {
        return List.of();
    }

    /**
     * Verifications of the restored system, run after {@link #afterRollback()}: see
     * {@link Builder#verifyAfterRollback}.
     */
    default List<Step> verifyAfterRollback() {
        return List.of();
    }

    /** What to capture when a rollback of this plan's runs starts: see {@link Builder#evidence}. */
    default List<Evidence> evidence() {
        return List.of();
    }

    /** A numbered, human-readable outline of the plan. */
    String describe();

    /** A Mermaid flowchart of the plan (forward edges and compensation edges). */
    String toMermaid();

    static Builder named(String name) {
        return new PlanBuilder(name);
    }

    /**
     * One position in the plan: a single step, or a group whose steps run concurrently and are
     * compensated together.
     *
     * @param steps the step or steps of this stage
     * @param parallel whether the steps run concurrently
     */
    record Stage(List<Step> steps, boolean parallel) {
        public Stage {
            steps = List.copyOf(steps);
        }
    }

    /**
     * Composes a plan. Not thread-safe; {@link #build()} validates and returns an immutable plan.
     */
    interface Builder {
        /** What the plan changes; see {@link Plan#target()}. */
        Builder target(String target);

        /** Appends a step. */
        Builder step(Step step);

        /** Appends a group of steps that run concurrently and are compensated together. */
        Builder parallel(Step... steps);

        /** Appends a verification: a check whose failure rolls back everything before it. */
        Builder verify(Step check);

        /** Appends every stage of another plan, and its rollback steps (names must stay unique). */
        Builder include(Plan subPlan);

        /**
         * Steps that run whenever a run of this plan is rolled back — live, by
         * {@link Runner#rollback} or by {@link Runner#recover} — <em>after</em> every compensation,
         * in the order given: what must happen once code and config are back (restart php-fpm,
         * rebuild caches, {@code compose up -d} on the restored images). They never run when the
         * plan succeeds, and they are not compensated.
         *
         * <p>Rules: they run after every rollback that was not interrupted, also when a
         * compensation failed (to bring services up on what could be restored) and when nothing
         * needed compensating. Each runs with its own retry and timeout. When one fails after its
         * retries, the others and the {@link #verifyAfterRollback verifications} still run, and the
         * run ends {@link RunStatus#ROLLBACK_FAILED} with the failure in {@link RunResult#failure()}
         * and its report. They may run again (recovery after a crash during the rollback), so they
         * must be idempotent. To run them from the journal without the plan, use steps a
         * {@link dev.backstep.spi.StepRegistry} resolves: {@link Command}s (their argv, directory,
         * environment and timeout are journaled when the run starts; secret values never are) or
         * typed steps ({@code Step.named(..).type("acme.x")}, whose registered compensation then runs
         * as the step).
         *
         * <pre>{@code
         * Plan.named("deploy shop")
         *     .step(Git.checkout(repo, "v1.3.0"))
         *     .step(ConfigFile.replace(env, newEnv))
         *     .afterRollback(Command.of("systemctl", "restart", "php-fpm"))
         *     .verifyAfterRollback(Command.of("curl", "-fsS", "http://localhost/health").asVerification())
         *     .build();
         * }</pre>
         */
        Builder afterRollback(Step... steps);

        /**
         * Health checks of the restored system, run during a rollback after every compensation and
         * every {@link #afterRollback} step. A failure (after the check's retries) ends the run
         * {@link RunStatus#ROLLBACK_FAILED}: the failure is kept in {@link RunResult#failure()} and
         * named in the report, and {@link RunResult#rollbackSteps()} shows each check's outcome.
         * Every check runs, also after another failed. Same journal rules as {@link #afterRollback}.
         */
        Builder verifyAfterRollback(Step... checks);

        /**
         * Evidence to capture the moment a rollback of this plan's runs starts (live,
         * {@link Runner#rollback} or {@link Runner#recover}), before any compensation: file copies,
         * command output, HTTP bodies, stored owner-only and bounded under the run's state
         * directory with secrets masked, listed by {@link RunResult#evidence()} and the reports. A
         * failed capture is reported and never blocks the rollback.
         *
         * <pre>{@code
         * .evidence(Evidence.command("journalctl", "-u", "shop", "--since", "-15min", "--no-pager"),
         *           Evidence.http(URI.create("http://127.0.0.1:8080/metrics")))
         * }</pre>
         */
        Builder evidence(Evidence... items);

        /**
         * @throws PlanDefinitionException when the plan has no steps, a null step, a blank or
         *     duplicate step name, an empty parallel group, or a blank name or target
         */
        Plan build();
    }

    /** For implementations: the default plan type. */
    static Plan of(String name, String target, List<Stage> stages) {
        return new DefaultPlan(name, target, stages);
    }

    /** For implementations: the default plan type, with rollback steps. */
    static Plan of(String name, String target, List<Stage> stages, List<Step> afterRollback,
                   List<Step> verifyAfterRollback) {
        return new DefaultPlan(name, target, stages, afterRollback, verifyAfterRollback);
    }
}
