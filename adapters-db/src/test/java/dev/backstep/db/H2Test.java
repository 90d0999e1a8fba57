package dev.backstep.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** The database steps on a real H2 database file. */
class H2Test extends DbContractTest {

    String url() {
        return "jdbc:h2:file:" + tmp.resolve("shop").toAbsolutePath();
    }

    @Override
    Database db() {
        return Db.h2(url());
    }

    @Override
    Connection admin() throws SQLException {
        return DriverManager.getConnection(url(), "sa", "");
    }

    @Override
    List<String> insertOrphan() {
        return List.of("SET REFERENTIAL_INTEGRITY FALSE", "INSERT INTO orders VALUES (20, 42, 1)",
                "SET REFERENTIAL_INTEGRITY TRUE");
    }
}
