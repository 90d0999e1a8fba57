package dev.backstep.db.migrate;

import dev.backstep.db.journal.TestDatabases;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresMigrationsIT extends MigrationsContract {
    private static final AtomicInteger N = new AtomicInteger();
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = TestDatabases.startPostgres();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    DataSource freshDatabase() throws Exception {
        return TestDatabases.postgres(pg, "migrations_" + N.incrementAndGet());
    }
}
