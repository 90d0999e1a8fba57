package dev.backstep.db;

import dev.backstep.Secret;
import dev.backstep.db.journal.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database steps on a real PostgreSQL 15 (embedded, started once for the class), dumped and
 * restored by this machine's PostgreSQL 15 client programs.
 */
class PostgresIT extends DbContractTest {
    static final String PASSWORD = "pg-Pa55w0rd-do-not-leak";
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();

    @Override
    Database db() {
        return Db.postgres(DbConnection.of("localhost", pg.getPort(), "postgres", "postgres", Secret.of(PASSWORD)));
    }

    @Override
    String password() {
        return PASSWORD;
    }

    @Override
    Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "");
    }

    @Override
    List<String> insertOrphan() {
        return List.of("SET session_replication_role = replica", "INSERT INTO orders VALUES (20, 42, 1)",
                "SET session_replication_role = DEFAULT");
    }

    void pgDump(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("pg_dump", "--no-password", "--host=localhost",
                "--port=" + pg.getPort(), "--username=postgres", "--dbname=postgres"));
        argv.addAll(List.of(args));
        runProgram(argv, Map.of());
    }

    @Test
    void aTeamsCustomFormatDumpIsAdoptedAndRestoresEveryRow() throws Exception {
        Path team = Files.createDirectory(tmp.resolve("team"));
        Path dump = team.resolve("backup.pgdump");
        pgDump("--format=custom", "--file=" + dump);

        adoptAndRestore(dump, fp());
    }

    @Test
    void aTeamsPlainGzippedDumpIsAdoptedAndRestoresEveryRow() throws Exception {
        Path team = Files.createDirectory(tmp.resolve("team"));
        Path plain = team.resolve("backup.sql");
        pgDump("--format=plain", "--file=" + plain);

        adoptAndRestore(gzip(plain), fp());
        adoptAndRestore(plain, fp());
    }
}
