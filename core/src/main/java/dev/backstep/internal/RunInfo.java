package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;

/** What every step context of one run shares. */
record RunInfo(RunId runId, String planName, String target, CommandRunner commands, Path runStateDir,
               Clock clock, String host) {

    /** On this host, by its own name. */
    RunInfo(RunId runId, String planName, String target, CommandRunner commands, Path runStateDir, Clock clock) {
        this(runId, planName, target, commands, runStateDir, clock, Hosts.localName());
    }
}
