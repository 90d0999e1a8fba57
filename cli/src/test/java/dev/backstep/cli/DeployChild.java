package dev.backstep.cli;

import dev.backstep.RunResult;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
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
        Journal blocking = new Journal() {
            @Override
            public void append(JournalRecord record) {
                durable.append(record);
                if (record.type() == JournalRecord.Type.STEP_SUCCEEDED
                        && record.step().orElse("").equals("configure app.env")) {
                    System.out.println("BLOCKED " + record.runId());
                    System.out.flush();
                    while (true) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            // only SIGKILL ends this process
                        }
                    }
                }
            }

            @Override
            public java.util.List<JournalRecord> read(dev.backstep.RunId runId) {
                return durable.read(runId);
            }

            @Override
            public java.util.List<dev.backstep.RunId> runIds() {
                return durable.runIds();
            }
        };
        RunResult r = d.runner(blocking).run(d.deploy(args[1], false));
        System.out.println("FINISHED " + r.runId() + " " + r.status());
    }
}
