package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What every step context of one run shares.
 *
 * @param order the run's place among the runs of its target ({@link RunOrder}), 0 when not placed
 * @param secrets every secret the run knows, masked wherever the run writes text
 * @param host the host the run runs on (its host-local steps are compensated only there)
 */
record RunInfo(RunId runId, String planName, String target, CommandRunner commands, Path runStateDir,
               Clock clock, long order, RunSecrets secrets, String host) {

    /** On this host, by its own name. */
    RunInfo(RunId runId, String planName, String target, CommandRunner commands, Path runStateDir, Clock clock) {
        this(runId, planName, target, commands, runStateDir, clock, 0, RunSecrets.NONE, Hosts.localName());
    }

    RunInfo(RunId runId, String planName, String target, CommandRunner commands, Path runStateDir, Clock clock,
            String host) {
        this(runId, planName, target, commands, runStateDir, clock, 0, RunSecrets.NONE, host);
    }

    /** This run with its place among the runs of its target. */
    RunInfo placed(long place) {
        return new RunInfo(runId, planName, target, commands, runStateDir, clock, place, secrets, host);
    }
}
