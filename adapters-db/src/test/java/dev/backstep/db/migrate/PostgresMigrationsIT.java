package dev.backstep.db.migrate;

import dev.backstep.db.journal.PostgresServer;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMigrationsIT extends MigrationsContract {
    private static final AtomicInteger N = new AtomicInteger();
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();

    @Override
    DataSource freshDatabase() throws Exception {
        return pg.freshDatabase("migrations_" + N.incrementAndGet());
    }
}
