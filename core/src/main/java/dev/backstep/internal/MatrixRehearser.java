package dev.backstep.internal;

import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalOptions;
import dev.backstep.RehearsalRefusedException;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Runner#rehearse(Plan, RehearsalOptions)}: for each stage i, the plan's first i stages
 * then a forced failure, rolled back, every fingerprint compared with the state before; stops at
 * the first point not restored exactly (the baseline is gone); then one clean run when every point
 * was exact. Uses the runner's own {@link Runner#run}, so every run is journaled and locked.
 */
final class MatrixRehearser {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MatrixRehearser.class);
    private final Runner runner;
    private final Rehearser single;

    MatrixRehearser(Runner runner, Rehearser single) {
        this.runner = runner;
        this.single = single;
    }

    RehearsalMatrix rehearse(Plan plan, RehearsalOptions options) {
        Rehearser.refuseKeptSteps(plan);
        DefaultRunner.validate(plan, single.info(plan, "rehearsal-validate"));
        List<String> unchecked = new ArrayList<>();
        List<Fingerprint> before = new ArrayList<>();
        RunInfo info = single.info(plan, "rehearsal-before");
        for (Step step : plan.steps()) {
            try {
                List<Fingerprint> f = single.fingerprint(step, info);
                before.addAll(f);
                if (f.isEmpty() && step.kind() != StepKind.VERIFICATION) {
                    unchecked.add(step.name());
                }
            } catch (Exception | LinkageError e) {
                throw new RehearsalRefusedException(plan.name(), List.of(step.name()), "step '" + step.name()
                        + "' cannot describe its resources (nothing was changed): " + Errors.message(e), e);
            }
        }
        List<Fingerprint> mergedBefore = Fingerprint.merge(before);

        List<RehearsalMatrix.Point> points = new ArrayList<>();
        String stopped = null;
        List<Plan.Stage> stages = plan.stages();
        for (int i = 0; i < stages.size(); i++) {
            List<String> names = stages.get(i).steps().stream().map(Step::name).toList();
            if (stopped != null) {
                points.add(new RehearsalMatrix.Point(i + 1, names, Optional.empty(), List.of(), List.of(),
                        Optional.of(stopped)));
                continue;
            }
            RunResult run = runner.run(Rehearser.withForcedFailure(plan, i + 1));
            List<Fingerprint> after = new ArrayList<>();
            List<String> differences = new ArrayList<>();
            RunInfo afterInfo = single.info(plan, "rehearsal-after-" + (i + 1));
            for (Step step : plan.steps()) {
                try {
                    after.addAll(single.fingerprint(step, afterInfo));
                } catch (Exception | LinkageError e) {
                    differences.add("step '" + step.name() + "' cannot describe its resources after the rollback: "
                            + Errors.message(e));
                }
            }
            differences.addAll(Fingerprint.differences(mergedBefore, after));
            RehearsalMatrix.Point point = new RehearsalMatrix.Point(i + 1, names, Optional.of(run),
                    Fingerprint.merge(after), differences, Optional.empty());
            points.add(point);
            if (!point.restoredExactly()) {
                stopped = "point " + (i + 1) + " (" + point.label() + ") did not restore exactly, so the resources"
                        + " no longer are as before";
                LOG.warn("rehearsal of plan '{}': {} ({}, {} difference(s)); later points not rehearsed", plan.name(),
                        stopped, run.status(), differences.size());
            }
        }
        Optional<RunResult> clean = Optional.empty();
        if (stopped == null && options.cleanRun()) {
            clean = Optional.of(runner.run(plan));
        }
        return new RehearsalMatrix(plan.name(), mergedBefore, points, clean, unchecked);
    }
}
