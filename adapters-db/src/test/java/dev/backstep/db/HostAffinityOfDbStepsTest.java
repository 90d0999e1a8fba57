package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Secret;
import dev.backstep.db.internal.Hostnames;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Database steps declare whether any host may compensate them: only network servers qualify. */
class HostAffinityOfDbStepsTest {

    @Test
    void sqlOnANetworkServerIsHostIndependentButOnLoopbackOrAFileIsNot() {
        Database remote = Db.postgres(DbConnection.of("db.internal", 5432, "shop", "app", Secret.of("x")));
        Database loopback = Db.mariadb(DbConnection.of("127.0.0.1", 3306, "shop", "app", Secret.of("x")));
        Database file = Db.sqlite(Path.of("/srv/shop/shop.db"));

        assertThat(remote.sql("UPDATE t SET v = 1").compensatedBy("UPDATE t SET v = 0").hostIndependent()).isTrue();
        assertThat(remote.sql("UPDATE t SET v = 1").compensatedBy("UPDATE t SET v = 0")
                .withRetry(dev.backstep.RetryPolicy.attempts(2)).hostIndependent())
                .as("decorating a step keeps its host affinity").isTrue();
        assertThat(loopback.sql("UPDATE t SET v = 1").compensatedBy("UPDATE t SET v = 0").hostIndependent()).isFalse();
        assertThat(file.sql("UPDATE t SET v = 1").compensatedBy("UPDATE t SET v = 0").hostIndependent()).isFalse();
    }

    @Test
    void aSnapshotRestoredOnRollbackIsBoundToTheHostHoldingItsDump() {
        Database remote = Db.postgres(DbConnection.of("db.internal", 5432, "shop", "app", Secret.of("x")));

        assertThat(remote.snapshot(Path.of("/var/backups/shop")).hostIndependent()).isTrue();
        assertThat(remote.snapshot(Path.of("/var/backups/shop")).restoreOnRollback().hostIndependent()).isFalse();
    }

    @Test
    void jdbcUrlsNameTheirHost() {
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:postgresql://db.internal:5432/shop")).isTrue();
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:mariadb://app@db.internal/shop?x=1")).isTrue();
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:postgresql://localhost:5432/shop")).isFalse();
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:mysql://[::1]:3306/shop")).isFalse();
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:postgresql:shop")).isFalse();
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:h2:file:/srv/shop/db")).isFalse();
        assertThat(Hostnames.isRemoteJdbcUrl("jdbc:sqlite:/srv/shop.db")).isFalse();
    }
}
