package dev.backstep.db.journal;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

class H2JournalAndLockTest extends JdbcJournalAndLockContract {
    private static DataSource db;

    @BeforeAll
    static void start() {
        db = TestDatabases.h2("journal_and_lock");
    }

    @Override
    DataSource dataSource() {
        return db;
    }
}
