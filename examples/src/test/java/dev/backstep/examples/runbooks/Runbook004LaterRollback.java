package dev.backstep.examples.runbooks;

import dev.backstep.Backstep;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.examples.runbooks.Runbook004.Samokoder;
import dev.backstep.spi.Journal;
import java.net.URI;
import java.nio.file.Path;

/**
 * The "rollback.sh --full --restore-db" of {@link Runbook004IT}, in a JVM of its own: it knows the
 * installation's configuration (what an operator's tool reads from its config file) and the run
 * id, never the plan; everything else comes from the journal. Prints the report; exits 0 when the
 * run is {@code ROLLED_BACK}, 3 otherwise.
 *
 * <p>Arguments: state dir, compose dir, alembic app dir, alembic database URL, PostgreSQL port,
 * database name, API port, Prometheus URI, DOCKER_HOST, run id.
 */
public final class Runbook004LaterRollback {
    private Runbook004LaterRollback() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        DbConnection conn = DbConnection.of("127.0.0.1", Integer.parseInt(args[4]), args[5], "postgres",
                Secret.of("unused"));
        Db.credentials().register(conn);
        Database db = Db.postgres(conn);
        Samokoder site = Runbook004IT.site(Path.of(args[1]), Path.of(args[2]), args[3], db, Integer.parseInt(args[6]),
                URI.create(args[7]), args[8]);
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Runner runner = Runbook004.register(Backstep.runner().journal(journal).stateDir(state), site).build();
            RunResult back = runner.rollback(RunId.of(args[9]));
            System.out.println(back.report().toText());
            System.out.println(back.report().toJson());
            System.exit(back.status() == RunStatus.ROLLED_BACK ? 0 : 3);
        }
    }
}
