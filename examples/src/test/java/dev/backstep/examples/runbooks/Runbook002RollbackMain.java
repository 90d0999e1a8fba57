package dev.backstep.examples.runbooks;

import dev.backstep.Backstep;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.StepOutcome;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.spi.Journal;
import java.nio.file.Path;

/**
 * A fresh process that rolls a runbook 002 deploy back from the journal alone: it knows no plan,
 * only the journal, the state directory, the run id and the database password, which it reads from
 * {@code BOT_DB_PASSWORD} (the alembic downgrade reads the same variable). Prints the outcome and
 * every post-rollback verification; exits 0 when the run is {@code ROLLED_BACK}.
 *
 * <p>Arguments: journal directory, state directory, run id, database host, port, database, user.
 */
public final class Runbook002RollbackMain {
    private Runbook002RollbackMain() {
    }

    public static void main(String[] args) throws Exception {
        Db.credentials().register(DbConnection.of(args[3], Integer.parseInt(args[4]), args[5], args[6],
                Secret.of(System.getenv("BOT_DB_PASSWORD"))));
        try (Journal journal = Journal.directory(Path.of(args[0]))) {
            RunResult r = Backstep.runner().journal(journal).stateDir(Path.of(args[1])).build()
                    .rollback(RunId.of(args[2]));
            System.out.println("status " + r.status());
            System.out.println("compensated " + r.compensated());
            for (StepOutcome s : r.rollbackSteps()) {
                System.out.println("after rollback: " + s.name() + " " + s.status());
            }
            System.exit(r.status() == RunStatus.ROLLED_BACK ? 0 : 1);
        }
    }
}
