package dev.backstep.db;

import dev.backstep.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The database steps on a real PostgreSQL 15 (embedded, started once for the class), dumped and
 * restored by this machine's PostgreSQL 15 client programs.
 */
class PostgresIT extends DbContractTest {
    static final String PASSWORD = "pg-Pa55w0rd-do-not-leak";
    static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws IOException {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        pg.close();
    }

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
}
