package dev.backstep.db.journal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresJournalAndLockIT extends JdbcJournalAndLockContract {
    private static EmbeddedPostgres pg;
    private static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        pg = TestDatabases.startPostgres();
        db = TestDatabases.postgres(pg, "journal_and_lock");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    DataSource dataSource() {
        return db;
    }
}
