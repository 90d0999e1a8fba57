package dev.backstep.internal;

import dev.backstep.Plan;
import dev.backstep.Step;
import dev.backstep.StepKind;
import dev.backstep.StepValidationException;
import dev.backstep.spi.StepRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds users' typed steps ({@code Step.named(..).type("acme.x")}) to the compensations the
 * runner registered for their types, and refuses a plan with a typed step whose type is not
 * registered: such a run could not be rolled back from the journal alone.
 */
final class UserStepTypes {
    private UserStepTypes() {
    }

    /** Whether {@code step} is a user's typed step ({@code Step.named(..).type("acme.x")}). */
    static boolean isUserTyped(Step step) {
        return (step instanceof DecoratedStep d && d.isBound()) || step.compensation() instanceof RegisteredCompensation
                || (step instanceof LambdaStep && !Step.CUSTOM_TYPE.equals(step.type()));
    }

    /**
     * What is wrong with {@code step}'s type, if anything. A verification of the plan's stages has
     * nothing to undo and needs no registration; a rollback step does (it runs from the journal).
     */
    static Optional<String> problem(Step step, StepRegistry registry, boolean rollbackStep) {
        if (!rollbackStep && step.kind() == StepKind.VERIFICATION) {
            return Optional.empty();
        }
        if (!isUserTyped(step) || registry.compensation(step.type()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("step '" + step.name() + "' has type '" + step.type() + "', but no compensation is"
                + " registered for that type, so a rollback from the journal could not undo it; register one with"
                + " Backstep.runner().compensation(\"" + step.type() + "\", ctx -> ...) or a StepRegistry");
    }

    /**
     * The plan with every typed step's registered compensation in place.
     *
     * @throws StepValidationException for the first typed step whose type is not registered (the
     *     others suppressed); nothing was changed
     */
    static Plan bind(Plan plan, StepRegistry registry) {
        List<StepValidationException> problems = new ArrayList<>();
        List<Plan.Stage> stages = new ArrayList<>();
        boolean changed = false;
        for (Plan.Stage stage : plan.stages()) {
            List<Step> steps = new ArrayList<>();
            for (Step s : stage.steps()) {
                Step b = bind(s, registry, problems, false);
                changed |= b != s;
                steps.add(b);
            }
            stages.add(new Plan.Stage(steps, stage.parallel()));
        }
        List<Step> after = new ArrayList<>();
        for (Step s : plan.afterRollback()) {
            Step b = bind(s, registry, problems, true);
            changed |= b != s;
            after.add(b);
        }
        List<Step> verify = new ArrayList<>();
        for (Step s : plan.verifyAfterRollback()) {
            Step b = bind(s, registry, problems, true);
            changed |= b != s;
            verify.add(b);
        }
        if (!problems.isEmpty()) {
            StepValidationException first = problems.get(0);
            problems.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
        return changed ? Plan.of(plan.name(), plan.target(), stages, after, verify) : plan;
    }

    private static Step bind(Step s, StepRegistry registry, List<StepValidationException> problems,
                             boolean rollbackStep) {
        Optional<String> problem = problem(s, registry, rollbackStep);
        if (problem.isPresent()) {
            problems.add(new StepValidationException(s.name(), problem.get()));
            return s;
        }
        if (s.compensation() instanceof RegisteredCompensation) {
            return DecoratedStep.of(s).bound(registry.compensation(s.type()).orElseThrow());
        }
        return s;
    }
}
