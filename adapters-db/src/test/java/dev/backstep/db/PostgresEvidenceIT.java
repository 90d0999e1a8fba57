package dev.backstep.db;

import dev.backstep.Secret;
import dev.backstep.db.journal.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DbEvidence} on a real PostgreSQL 15 (embedded), dumped by this machine's pg_dump. */
class PostgresEvidenceIT extends DbEvidenceContract {
    static final String PASSWORD = "pg-evidence-Pa55w0rd-do-not-leak";
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();

    @Override
    Database db() {
        return db("postgres");
    }

    @Override
    Database db(String database) {
        return Db.postgres(DbConnection.of("localhost", pg.getPort(), database, "postgres", Secret.of(PASSWORD)));
    }

    @Override
    String password() {
        return PASSWORD;
    }

    @Override
    String extension() {
        return ".pgdump";
    }

    @Override
    Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "");
    }

    @Override
    Connection scratch() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/scratch", "postgres", "");
    }

    @Override
    void restoreIntoScratch(Path dump) throws Exception {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS scratch");
            s.execute("CREATE DATABASE scratch");
        }
        DbContractTest.runProgram(List.of("pg_restore", "--no-password", "--host=localhost", "--port=" + pg.getPort(),
                "--username=postgres", "--dbname=scratch", "--no-owner", "--exit-on-error", dump.toString()), Map.of());
    }
}
