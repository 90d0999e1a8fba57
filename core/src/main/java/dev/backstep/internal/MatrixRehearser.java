package dev.backstep.internal;

import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalOptions;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
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
        List<Fingerprint> mergedBefore = Fingerprint.merge(single.fingerprintBefore(plan, unchecked));

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
            List<String> differences = new ArrayList<>();
            List<Fingerprint> after = single.fingerprintAfter(plan, "rehearsal-after-" + (i + 1), differences);
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
