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

        /** Appends every stage of another plan (names must stay unique). */
        Builder include(Plan subPlan);

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
}
