package dev.backstep.benchmarks;

import dev.backstep.Secret;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * {@code ScenarioBenchmark --postgres}: an embedded PostgreSQL (zonky, a {@code provided}
 * dependency: run through {@code exec:java -Dexec.classpathScope=compile}) with a seed database of
 * one {@code items} table; each side of each round gets its own database cloned from the seed (not
 * timed). A class of its own so that the plain scenario never loads zonky or the driver.
 *
 * <pre>{@code
 * try (ScenarioDatabase db = ScenarioDatabase.start(10_000)) {
 *     db.reset("shop_b0");
 *     Database shop = db.backstep("shop_b0");
 * }
 * }</pre>
 */
final class ScenarioDatabase implements AutoCloseable {
    /** What both sides change in the database (the "migration" that the rollback undoes). */
    static final String CHANGE = "DELETE FROM items WHERE id % 10 = 0";
    private static final String SEED = "shop_seed";
    /** The embedded server trusts local connections; both sides still hand a password over as a real deploy would. */
    private static final String PASSWORD = "bench-password";

    private final EmbeddedPostgres pg;
    final int rows;

    private ScenarioDatabase(EmbeddedPostgres pg, int rows) {
        this.pg = pg;
        this.rows = rows;
    }

    static ScenarioDatabase start(int rows) throws IOException, SQLException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        ScenarioDatabase db = new ScenarioDatabase(pg, rows);
        try (Connection c = db.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + SEED);
        }
        try (Connection c = db.connect(SEED); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, customer INT NOT NULL, total NUMERIC(12, 2) NOT NULL,"
                    + " note TEXT, created TIMESTAMPTZ NOT NULL)");
            s.execute("INSERT INTO items SELECT g, 1 + g % 1000, (g % 10000) / 100.0, md5(g::text),"
                    + " TIMESTAMPTZ '2026-01-01' + g * INTERVAL '1 second' FROM generate_series(1, " + rows + ") g");
            s.execute("CREATE INDEX items_customer ON items (customer)");
            s.execute("VACUUM ANALYZE");
        }
        return db;
    }

    int port() {
        return pg.getPort();
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/" + database, "postgres",
                PASSWORD);
    }

    /** A fresh copy of the seed named {@code name} (a copy of the template on the server, fast). */
    void reset(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + SEED);
        }
    }

    void drop(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    long count(String name) throws SQLException {
        try (Connection c = connect(name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Backstep's view of database {@code name}. */
    Database backstep(String name) {
        return Db.postgres(DbConnection.of("localhost", port(), name, "postgres", Secret.of(PASSWORD)));
    }

    /** The script's view: libpq's environment, the password in {@code PGPASSWORD}, never in argv. */
    void scriptEnv(Map<String, String> env, String name) {
        env.put("PGHOST", "localhost");
        env.put("PGPORT", Integer.toString(port()));
        env.put("PGUSER", "postgres");
        env.put("PGPASSWORD", PASSWORD);
        env.put("PGDATABASE", name);
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
