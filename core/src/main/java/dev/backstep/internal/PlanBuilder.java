package dev.backstep.internal;

import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import dev.backstep.StepKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@link Plan#named}. Collects problems and reports them all at {@link #build()}. */
public final class PlanBuilder implements Plan.Builder {
    private final String name;
    private String target;
    private final List<Plan.Stage> stages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<Step> afterRollback = new ArrayList<>();
    private final List<Step> verifyAfterRollback = new ArrayList<>();
    private final List<dev.backstep.Evidence> evidence = new ArrayList<>();

    public PlanBuilder(String name) {
        this.name = name;
    }

    @Override
    public Plan.Builder target(String target) {
        if (target == null || target.isBlank()) {
            problems.add("the target is blank");
        } else {
            this.target = target;
        }
        return this;
    }

    @Override
    public Plan.Builder step(Step step) {
        if (step == null) {
            problems.add("step #" + (countSteps() + 1) + " is null");
            return this;
        }
        stages.add(new Plan.Stage(List.of(step), false));
        return this;
    }

    @Override
    public Plan.Builder parallel(Step... steps) {
        if (steps == null || steps.length == 0) {
            problems.add("parallel group #" + (stages.size() + 1) + " is empty");
            return this;
        }
        List<Step> group = Arrays.asList(steps);
        if (group.contains(null)) {
            problems.add("parallel group #" + (stages.size() + 1) + " contains a null step");
            return this;
        }
        stages.add(new Plan.Stage(group, true));
        return this;
    }

    @Override
    public Plan.Builder verify(Step check) {
        if (check == null) {
            problems.add("verification #" + (countSteps() + 1) + " is null");
            return this;
        }
        if (check.kind() != StepKind.VERIFICATION && !Step.CUSTOM_TYPE.equals(check.type())) {
            // a step of a known type changes things: as a verification its change would never be undone
            problems.add("step '" + check.name() + "' (type " + check.type() + ") changes things and cannot be a"
                    + " verification: its change would never be undone; add it with step(...), and verify with a"
                    + " check (Check.*, Step.verification, Command.asVerification())");
            return this;
        }
        if (check.kind() != StepKind.VERIFICATION) {
            check = DecoratedStep.of(check).kind(StepKind.VERIFICATION);
        }
        stages.add(new Plan.Stage(List.of(check), false));
        return this;
    }

    @Override
    public Plan.Builder include(Plan subPlan) {
        if (subPlan == null) {
            problems.add("an included sub-plan is null");
            return this;
        }
        stages.addAll(subPlan.stages());
        afterRollback.addAll(subPlan.afterRollback());
        verifyAfterRollback.addAll(subPlan.verifyAfterRollback());
        return this;
    }

    @Override
    public Plan.Builder afterRollback(Step... steps) {
        RollbackHooks.add("afterRollback", steps, false, afterRollback, problems);
        return this;
    }

    @Override
    public Plan.Builder verifyAfterRollback(Step... checks) {
        RollbackHooks.add("verifyAfterRollback", checks, true, verifyAfterRollback, problems);
        return this;
    }

    @Override
    public Plan.Builder evidence(dev.backstep.Evidence... items) {
        if (items == null) {
            problems.add("evidence(...) was given null");
            return this;
        }
        for (dev.backstep.Evidence e : items) {
            if (e == null) {
                problems.add("evidence(...) was given a null item");
            } else {
                evidence.add(e);
            }
        }
        return this;
    }

    @Override
    public Plan build() {
        List<String> all = new ArrayList<>();
        if (name == null || name.isBlank()) {
            all.add("the plan name is blank");
        }
        all.addAll(problems);
        if (stages.isEmpty() && problems.isEmpty()) {
            // rollback steps alone are no plan: there would be nothing to roll back
            all.add("it has no steps");
        }
        Set<String> seen = new HashSet<>();
        for (Plan.Stage stage : withRollbackSteps()) {
            for (Step s : stage.steps()) {
                String n = s.name();
                if (n == null || n.isBlank()) {
                    all.add("a step has a blank name (" + s.describe() + ")");
                } else if (!seen.add(n)) {
                    all.add("the step name '" + n + "' is used twice; use step.withName(...) to tell them apart");
                }
                noCompensation(s).ifPresent(p -> all.add("step '" + n + "' " + p));
            }
        }
        if (!all.isEmpty()) {
            throw new PlanDefinitionException(String.valueOf(name), String.join("; ", all));
        }
        return new DefaultPlan(name, target == null ? name : target, stages, afterRollback, verifyAfterRollback,
                evidence);
    }

    /** The stages plus the rollback steps, whose names must be unique too. */
    private List<Plan.Stage> withRollbackSteps() {
        List<Plan.Stage> all = new ArrayList<>(stages);
        all.add(new Plan.Stage(afterRollback, false));
        all.add(new Plan.Stage(verifyAfterRollback, false));
        return all;
    }

    /**
     * Why {@code s} has no usable compensation, if so: checked before anything runs, because a
     * null found during a rollback would leave the step's change in place.
     */
    static java.util.Optional<String> noCompensation(Step s) {
        try {
            if (s.compensation() == null) {
                return java.util.Optional.of("returns no compensation (compensation() is null);"
                        + " return Compensation.none(\"why\") for a step that cannot be undone");
            }
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of("cannot say its compensation: compensation() failed: " + Errors.message(e));
        }
    }

    private int countSteps() {
        return stages.stream().mapToInt(s -> s.steps().size()).sum();
    }
}
