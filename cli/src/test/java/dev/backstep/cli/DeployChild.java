package dev.backstep.cli;

import dev.backstep.RunResult;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.testkit.FreezingJournal;
import java.nio.file.Path;

/**
 * The deploy {@link BackstepCliIT} kills: {@code ROOT VERSION} runs {@code deploy shop VERSION} and,
 * right after the step {@code configure app.env} succeeded (durably journaled), prints
 * {@code BLOCKED <runId>} and waits to be SIGKILLed: the run never finishes.
 */
public final class DeployChild {
    public static void main(String[] args) {
        Deploys d = new Deploys(Path.of(args[0]));
        Journal durable = Journal.directory(d.state().resolve("journal"));
        Journal blocking = FreezingJournal.after(durable, record -> record.type() == JournalRecord.Type.STEP_SUCCEEDED
                && record.step().orElse("").equals("configure app.env"), record -> "BLOCKED " + record.runId());
        RunResult r = d.runner(blocking).run(d.deploy(args[1], false));
        System.out.println("FINISHED " + r.runId() + " " + r.status());
    }
}
