package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Secret;
import dev.backstep.StepValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with a typed exception before anything changes. */
class DbInputTest {
    @TempDir
    Path tmp;

    @Test
    void connectionsRefuseBlankOrOptionLikeParts() {
        assertThatThrownBy(() -> DbConnection.of(" ", 5432, "shop", "app", Secret.of("x")))
                .isInstanceOf(DbException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> DbConnection.of("db", 5432, "-shop", "app", Secret.of("x")))
                .isInstanceOf(DbException.class).hasMessageContaining("starts with '-'");
        assertThatThrownBy(() -> DbConnection.of("db", 0, "shop", "app", Secret.of("x")))
                .isInstanceOf(DbException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> DbConnection.fromEnv("db", 5432, "shop", "app", "NOT A NAME"))
                .isInstanceOf(DbException.class).hasMessageContaining("environment variable");
        assertThat(DbConnection.of("db", 5432, "shop", "app", Secret.of("hunter2")).toString())
                .isEqualTo("app@db:5432/shop").doesNotContain("hunter2");
    }

    @Test
    void passwordsAreRefusedWhereTheyWouldBeRecorded() {
        assertThatThrownBy(() -> Db.h2("jdbc:h2:mem:x;PASSWORD=hunter2"))
                .isInstanceOf(DbException.class).hasMessageContaining("must not hold a password")
                .hasMessageNotContaining("hunter2");
        Database maria = Db.mariadb(DbConnection.of("db", 3306, "shop", "app", Secret.of("x")));
        assertThatThrownBy(() -> maria.clientOptions("--password=hunter2"))
                .isInstanceOf(DbException.class).hasMessageContaining("no password");
        assertThatThrownBy(() -> maria.sql(" ")).isInstanceOf(DbException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> maria.check().rowCount("t").between(5, 1))
                .isInstanceOf(DbException.class).hasMessageContaining("5..1");
    }

    @Test
    void aRefusedClientOptionIsNamedButItsSecretValueIsNeverRepeated() {
        Database maria = Db.mariadb(DbConnection.of("db", 3306, "shop", "app", Secret.of("x")));
        assertThatThrownBy(() -> maria.clientOptions("--skip-ssl", "--password=hunter2"))
                .isInstanceOf(DbException.class).hasMessageContaining("client option #2 '--password'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> maria.clientOptions("--passwordhunter2"))
                .isInstanceOf(DbException.class).hasMessageContaining("'--password'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> maria.clientOptions("--ssl-password hunter2"))
                .isInstanceOf(DbException.class).hasMessageContaining("'--ssl-password'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> maria.clientOptions("--ssl-key=/etc/ssl/password-hunter2.pem"))
                .isInstanceOf(DbException.class).hasMessageContaining("'--ssl-key'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> maria.clientOptions("-phunter2"))
                .isInstanceOf(DbException.class).hasMessageContaining("client option #1 must start with --")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> maria.clientOptions("--skip-ssl", null))
                .isInstanceOf(DbException.class).hasMessageContaining("client option #2 is null");
    }

    @Test
    void aSnapshotIntoADirectoryOpenToOthersIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path file = tmp.resolve("a.db");
        DriverManager.getConnection("jdbc:sqlite:" + file).close();
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> Backstep.runner().build().run(Plan.named("p")
                .step(Db.sqlite(file).snapshot(open)).build()))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("open to others");
        assertThat(DbContractTest.countFiles(open)).isZero();
    }

    @Test
    void aMissingSqliteFileOrSnapshotOfAnotherEngineIsRefused() throws Exception {
        assertThatThrownBy(() -> Backstep.runner().build().run(Plan.named("p")
                .step(Db.sqlite(tmp.resolve("missing.db")).sql("DELETE FROM t")).build()))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("does not exist");
        assertThat(tmp.resolve("missing.db")).doesNotExist();

        Path file = tmp.resolve("a.db");
        DriverManager.getConnection("jdbc:sqlite:" + file).close();
        Path backups = tmp.resolve("b");
        Backstep.runner().build().run(Plan.named("s").step(Db.sqlite(file).snapshot(backups)).build());
        Path dump;
        try (var s = Files.list(backups)) {
            dump = s.filter(p -> p.toString().endsWith(".sqlite")).findFirst().orElseThrow();
        }
        assertThatThrownBy(() -> Backstep.runner().build().run(Plan.named("r")
                .step(Db.h2("jdbc:h2:file:" + tmp.resolve("h")).restore(dump)).build()))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("is a sqlite snapshot");
    }
}
