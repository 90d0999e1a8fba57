package dev.backstep.examples.runbooks;

import dev.backstep.Backstep;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepOutcome;
import dev.backstep.spi.Journal;
import java.nio.file.Path;

/**
 * The later rollback of {@link Runbook000IT} in a process of its own, as an operator's tool would
 * run it: the journal, the state directory and the registered composer step type, no plan.
 * Arguments: journal directory, state directory, run id. Exit code 0 when the run ended
 * {@code ROLLED_BACK}, 1 otherwise.
 */
public final class Runbook000RollbackMain {
    private Runbook000RollbackMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Journal journal = Journal.directory(Path.of(args[0]))) {
            RunResult r = Runbook000.register(Backstep.runner().journal(journal).stateDir(Path.of(args[1])))
                    .build().rollback(RunId.of(args[2]));
            System.out.println("status " + r.status());
            System.out.println("compensated " + String.join(",", r.compensated()));
            for (StepOutcome s : r.rollbackSteps()) {
                System.out.println("rollback step " + s.name() + " " + s.status());
            }
            r.failure().ifPresent(f -> f.printStackTrace(System.out));
            System.exit(r.status() == RunStatus.ROLLED_BACK ? 0 : 1);
        }
    }
}
