package dev.backstep.internal;

import dev.backstep.BackstepException;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RehearsalRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Runner#rehearse}: fingerprint, run with a forced failure at the end, fingerprint again,
 * compare, and run again when the rollback was exact. Uses the runner's own {@link Runner#run},
 * so the rehearsal runs are journaled, locked and reported like any other run.
 */
final class Rehearser {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Rehearser.class);
    private final Runner runner;
    private final CommandRunner commands;
    private final Path stateDir;
    private final Clock clock;

    Rehearser(Runner runner, CommandRunner commands, Path stateDir, Clock clock) {
        this.runner = runner;
        this.commands = commands;
        this.stateDir = stateDir;
        this.clock = clock;
    }

    Rehearsal rehearse(Plan plan) {
        refuseKeptSteps(plan);
        // every step's validation, as run() does it, so a bad input fails before fingerprinting
        DefaultRunner.validate(plan, info(plan, "rehearsal-validate"));
        List<String> unchecked = new ArrayList<>();
        List<Fingerprint> before = fingerprintBefore(plan, unchecked);

        RunResult rollbackRun = runner.run(withForcedFailure(plan));

        List<String> failures = new ArrayList<>();
        List<Fingerprint> after = fingerprintAfter(plan, "rehearsal-after", failures);
        List<Fingerprint> mergedBefore = Fingerprint.merge(before);
        List<String> differences = new ArrayList<>(failures);
        differences.addAll(Fingerprint.differences(mergedBefore, after));

        boolean exact = rollbackRun.status() == RunStatus.ROLLED_BACK && differences.isEmpty()
                && rollbackRun.failedStep().equals(Optional.of(Rehearsal.FORCED_ROLLBACK_STEP));
        Optional<RunResult> second = Optional.empty();
        if (exact) {
            second = Optional.of(runner.run(plan));
        } else {
            LOG.warn("rehearsal of plan '{}': the rollback was not exact ({}, {} difference(s)); not applying it again",
                    plan.name(), rollbackRun.status(), differences.size());
        }
        return new Rehearsal(plan.name(), mergedBefore, Fingerprint.merge(after), differences, rollbackRun, second,
                unchecked);
    }

    /** Pivots and irreversible steps stay applied after a rollback: a rehearsal cannot undo them. */
    static void refuseKeptSteps(Plan plan) {
        List<String> names = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (Step step : plan.steps()) {
            if (step.name().equals(Rehearsal.FORCED_ROLLBACK_STEP)) {
                names.add(step.name());
                why.add("step '" + step.name() + "' has the name of the rehearsal's own verification; rename it");
            } else if (step.kind() == StepKind.PIVOT) {
                names.add(step.name());
                why.add("step '" + step.name() + "' is a pivot: nothing before a pivot is ever compensated, so the"
                        + " rollback a rehearsal forces would leave it and the steps before it applied");
            } else if (step.kind() == StepKind.COMPENSATABLE && step.compensation().irreversibleReason().isPresent()) {
                names.add(step.name());
                why.add("step '" + step.name() + "' cannot be undone (" + step.compensation().irreversibleReason().get()
                        + "), so a rehearsal would leave it applied");
            }
        }
        if (!names.isEmpty()) {
            throw new RehearsalRefusedException(plan.name(), names, String.join("; ", why)
                    + ". Rehearse a plan without such steps (nothing was changed)");
        }
    }

    /**
     * Every step's resources before the rehearsal runs, unmerged; adds to {@code unchecked} the
     * steps (other than verifications) that describe none.
     *
     * @throws RehearsalRefusedException when a step cannot describe its resources
     */
    List<Fingerprint> fingerprintBefore(Plan plan, List<String> unchecked) {
        List<Fingerprint> before = new ArrayList<>();
        RunInfo info = info(plan, "rehearsal-before");
        for (Step step : plan.steps()) {
            try {
                List<Fingerprint> f = fingerprint(step, info);
                before.addAll(f);
                if (f.isEmpty() && step.kind() != StepKind.VERIFICATION) {
                    unchecked.add(step.name());
                }
            } catch (Exception | LinkageError e) {
                throw new RehearsalRefusedException(plan.name(), List.of(step.name()), "step '" + step.name()
                        + "' cannot describe its resources (nothing was changed): " + Errors.message(e), e);
            }
        }
        return before;
    }

    /**
     * Every step's resources after a rollback, unmerged; a step that cannot describe them adds a
     * line to {@code failures} instead.
     */
    List<Fingerprint> fingerprintAfter(Plan plan, String runId, List<String> failures) {
        List<Fingerprint> after = new ArrayList<>();
        RunInfo afterInfo = info(plan, runId);
        for (Step step : plan.steps()) {
            try {
                after.addAll(fingerprint(step, afterInfo));
            } catch (Exception | LinkageError e) {
                failures.add("step '" + step.name() + "' cannot describe its resources after the rollback: "
                        + Errors.message(e));
            }
        }
        return after;
    }

    List<Fingerprint> fingerprint(Step step, RunInfo info) throws Exception {
        List<Fingerprint> f = step.fingerprint(context(step, info));
        if (f == null) {
            throw new BackstepException("fingerprint() of step '" + step.name() + "' returned null");
        }
        return f;
    }

    RunInfo info(Plan plan, String id) {
        RunId runId = RunId.of(id);
        return new RunInfo(runId, plan.name(), plan.target(), commands,
                stateDir.resolve("runs").resolve(runId.value()), clock);
    }

    private DefaultStepContext context(Step step, RunInfo info) {
        return new DefaultStepContext(info, step.name(), StepContext.Phase.VALIDATE, 1,
                new RunJournal(new InMemoryJournal(), info.runId(), clock, 0), java.util.Map.of());
    }

    /** The plan with a last verification that always fails, under the plan's own name and target. */
    static Plan withForcedFailure(Plan plan) {
        return withForcedFailure(plan, plan.stages().size());
    }

    /** The first {@code stages} stages of the plan, then a verification that always fails. */
    static Plan withForcedFailure(Plan plan, int stageCount) {
        List<Plan.Stage> stages = new ArrayList<>(plan.stages().subList(0, stageCount));
        boolean all = stageCount == plan.stages().size();
        Step forced = Step.verification(Rehearsal.FORCED_ROLLBACK_STEP, ctx -> {
            throw new BackstepException((all ? "every step of plan '" + ctx.planName() + "' ran"
                    : "stage " + stageCount + " of " + plan.stages().size() + " of plan '" + ctx.planName() + "' ran")
                    + "; failing on purpose so that the rehearsal rolls it back");
        });
        stages.add(new Plan.Stage(List.of(forced), false));
        return Plan.of(plan.name(), plan.target(), stages, plan.afterRollback(), plan.verifyAfterRollback());
    }
}
