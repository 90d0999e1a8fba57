package dev.backstep.db.journal;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresJournalAndLockIT extends JdbcJournalAndLockContract {
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();
    private static DataSource db;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = pg.freshDatabase("journal_and_lock");
    }

    @Override
    DataSource dataSource() {
        return db;
    }
}
