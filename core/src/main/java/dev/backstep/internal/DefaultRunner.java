package dev.backstep.internal;

import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Runner;

/** The saga engine. */
public final class DefaultRunner implements Runner {
    DefaultRunner(RunnerBuilder b) {
    }

    @Override
    public RunResult run(Plan plan) {
        throw new UnsupportedOperationException("engine in progress");
    }

    @Override
    public DryRun dryRun(Plan plan) {
        throw new UnsupportedOperationException("engine in progress");
    }
}
