package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input to {@link DbEvidence} is refused when the plan is written, and what it stores holds no password. */
class DbEvidenceTest {
    private final Database pg = Db.postgres(DbConnection.of("db.internal", 5432, "shop", "deploy",
            Secret.of("s3cret-evidence-pw")));

    @Test
    void onlyPostgresAndMariadbCanBeDumpedAsEvidence() {
        assertThatThrownBy(() -> DbEvidence.dump(Db.sqlite(Path.of("/srv/app/db.sqlite"))))
                .isInstanceOf(DbException.class).hasMessageContaining("not sqlite").hasMessageContaining("Evidence.file");
        assertThatThrownBy(() -> DbEvidence.dump(Db.h2("jdbc:h2:mem:x")))
                .isInstanceOf(DbException.class).hasMessageContaining("not h2");
    }

    @Test
    void boundAndTimeoutMustBePositive() {
        assertThatThrownBy(() -> DbEvidence.dump(pg).maxBytes(0)).isInstanceOf(DbException.class)
                .hasMessageContaining("at least 1 byte");
        assertThatThrownBy(() -> DbEvidence.dump(pg).timeout(Duration.ZERO)).isInstanceOf(DbException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> DbEvidence.dump(pg).timeout(null)).isInstanceOf(DbException.class);
    }

    @Test
    void storedValuesHoldNoPasswordAndRebuildTheSameDump() {
        DbEvidence e = DbEvidence.dump(pg).maxBytes(4096).timeout(Duration.ofSeconds(30));

        assertThat(e.values().toString()).doesNotContain("s3cret");
        DbEvidence again = DbEvidence.fromValues(e.values());
        assertThat(again.values()).isEqualTo(e.values());
        assertThat(again.describe()).isEqualTo("database dump postgres://deploy@db.internal:5432/shop");
        assertThat(again.maxBytes()).isEqualTo(4096);
        assertThat(again.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(again.extension()).isEqualTo(".pgdump");
        // the password is found, in this process, where compensations find it
        assertThat(Db.credentials().lookup(pg.id())).hasValueSatisfying(s -> assertThat(s.reveal())
                .isEqualTo("s3cret-evidence-pw"));
    }

    @Test
    void malformedStoredValuesAreATypedError() {
        Map<String, String> v = new HashMap<>(DbEvidence.dump(pg).values());
        v.put("maxBytes", "lots");
        assertThatThrownBy(() -> DbEvidence.fromValues(v)).isInstanceOf(DbException.class)
                .hasMessageContaining("malformed");
    }
}
