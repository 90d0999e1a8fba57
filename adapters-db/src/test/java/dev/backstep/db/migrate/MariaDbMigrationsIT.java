package dev.backstep.db.migrate;

import dev.backstep.db.journal.MariaDbServer;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbMigrationsIT extends MigrationsContract {
    private static final AtomicInteger N = new AtomicInteger();
    @RegisterExtension
    static final MariaDbServer mariaDb = new MariaDbServer();

    @Override
    DataSource freshDatabase() throws Exception {
        return mariaDb.freshDatabase("migrations_" + N.incrementAndGet());
    }
}
