package dev.backstep.db.journal;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbJournalAndLockIT extends JdbcJournalAndLockContract {
    @RegisterExtension
    static final MariaDbServer mariaDb = new MariaDbServer();
    private static DataSource db;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = mariaDb.freshDatabase("journal_and_lock");
    }

    @Override
    DataSource dataSource() {
        return db;
    }
}
