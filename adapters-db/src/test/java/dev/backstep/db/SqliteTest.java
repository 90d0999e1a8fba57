package dev.backstep.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** The database steps on a real SQLite file. */
class SqliteTest extends DbContractTest {
    Path file() {
        return tmp.resolve("shop.db");
    }

    @Override
    Database db() {
        return Db.sqlite(file());
    }

    @Override
    Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    @Override
    List<String> insertOrphan() {
        return List.of("PRAGMA foreign_keys = OFF", "INSERT INTO orders VALUES (20, 42, 1)");
    }
}
