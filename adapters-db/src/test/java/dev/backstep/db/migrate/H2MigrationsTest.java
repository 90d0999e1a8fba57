package dev.backstep.db.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.db.journal.TestDatabases;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.StepRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class H2MigrationsTest extends MigrationsContract {
    private static final AtomicInteger N = new AtomicInteger();

    @Override
    DataSource freshDatabase() {
        return TestDatabases.h2("migrations_" + N.incrementAndGet());
    }

    @Test
    void renamedFlywayAndLiquibaseStepsKeepTheirClassTypeAndSettings() {
        DataSource ds = freshDatabase();
        FlywayMigrate flyway = Migrations.flyway(ds, SHOP).withName("migrate shop").table("shop_history");
        LiquibaseUpdate liquibase = Migrations.liquibase("db/liquibase/v1.xml", ds).withName("update shop");

        assertThat(flyway.name()).isEqualTo("migrate shop");
        assertThat(flyway.type()).isEqualTo(Migrations.FLYWAY);
        assertThat(flyway.describe()).isEqualTo("flyway migrate " + SHOP);
        assertThat(liquibase.name()).isEqualTo("update shop");
        assertThat(liquibase.type()).isEqualTo(Migrations.LIQUIBASE);
        assertThat(liquibase.describe()).isEqualTo("liquibase update db/liquibase/v1.xml");
    }

    @Test
    void passwordIsNeverJournaledAndUrlPasswordsAreMasked() throws Exception {
        String url = "jdbc:h2:mem:secured_" + N.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("deployer");
        ds.setPassword("s3cret-pw");
        Journal journal = Journal.inMemory();

        RunResult result = runner(journal, StepRegistry.empty()).run(Plan.named("deploy").target("db")
                .step(Migrations.flyway(url, "deployer", Secret.of("s3cret-pw"), SHOP))
                .verify(failingCheck())
                .build());

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(works(ds, "SELECT id FROM customers")).isFalse();
        assertThat(journal.read(result.runId())).extracting(JournalRecord::data).allSatisfy(data ->
                assertThat(data.toString()).doesNotContain("s3cret-pw"));
        assertThat(recorded(journal, result, "user")).containsExactly("deployer");
        assertThat(MigrationDatabases.safeUrl("jdbc:postgresql://app:pw1@db:5432/shop?user=app&password=pw2&ssl=true"))
                .isEqualTo("jdbc:postgresql://app:****@db:5432/shop?user=app&password=****&ssl=true");
        assertThat(MigrationDatabases.safeUrl("jdbc:mariadb://db/shop;PASSWORD=pw3")).doesNotContain("pw3");
    }
}
