package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Secret;
import dev.backstep.StepValidationException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with a typed exception before anything changes. */
class DbInputTest {
    @TempDir
    Path tmp;

    @Test
    void connectionsRefuseBlankOrOptionLikeParts() {
        assertThatThrownBy(() -> DbConnection.of(" ", 5432, "shop", "app", Secret.of("x")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> DbConnection.of("db", 5432, "-shop", "app", Secret.of("x")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("starts with '-'");
        assertThatThrownBy(() -> DbConnection.of("db", 0, "shop", "app", Secret.of("x")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> DbConnection.fromEnv("db", 5432, "shop", "app", "NOT A NAME"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("environment variable");
        assertThat(DbConnection.of("db", 5432, "shop", "app", Secret.of("hunter2")).toString())
                .isEqualTo("app@db:5432/shop").doesNotContain("hunter2");
    }

    @Test
    void passwordsAreRefusedWhereTheyWouldBeRecorded() {
        assertThatThrownBy(() -> Db.h2("jdbc:h2:mem:x;PASSWORD=hunter2"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("must not hold a password")
                .hasMessageNotContaining("hunter2");
        Database maria = Db.mariadb(DbConnection.of("db", 3306, "shop", "app", Secret.of("x")));
        assertThatThrownBy(() -> maria.clientOptions("--password=hunter2"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("no password");
        assertThatThrownBy(() -> maria.sql(" ")).isInstanceOf(PlanDefinitionException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> maria.check().rowCount("t").between(5, 1))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("5..1");
    }

    @Test
    void aRefusedClientOptionIsNamedButItsSecretValueIsNeverRepeated() {
        Database maria = Db.mariadb(DbConnection.of("db", 3306, "shop", "app", Secret.of("x")));
        Map<String, List<String>> refused = new LinkedHashMap<>();
        refused.put("client option #2 '--password'", List.of("--skip-ssl", "--password=hunter2"));
        refused.put("'--password'", List.of("--passwordhunter2"));
        refused.put("'--ssl-password'", List.of("--ssl-password hunter2"));
        refused.put("'--ssl-key'", List.of("--ssl-key=/etc/ssl/password-hunter2.pem"));
        refused.put("client option #1 must start with --", List.of("-phunter2"));
        refused.put("client option #2 is null", java.util.Arrays.asList("--skip-ssl", null));
        refused.forEach((message, options) -> assertThatThrownBy(() -> maria.clientOptions(options.toArray(String[]::new)))
                .as("%s", options).isInstanceOf(PlanDefinitionException.class).hasMessageContaining(message)
                .hasMessageNotContaining("hunter2"));
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

    /** Asserts that adopting {@code dump} as {@code engine} fails naming {@code problem} and writes nothing. */
    void refusedToAdopt(Path dump, DbEngine engine, String problem) throws Exception {
        byte[] before = Files.exists(dump, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(dump)
                ? Files.readAllBytes(dump) : null;
        assertThatThrownBy(() -> Snapshot.adopt(dump, engine)).isInstanceOf(DbException.class)
                .hasMessageContaining(problem);
        assertThat(dump.getParent().resolve("backstep-snapshots")).doesNotExist();
        if (before != null) {
            assertThat(Files.readAllBytes(dump)).isEqualTo(before);
        }
    }

    @Test
    void aFileThatIsNoDumpOfTheEngineIsNotAdopted() throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.sql"), "SELECT 1;\n");
        refusedToAdopt(notes, DbEngine.POSTGRES, "is not a PostgreSQL dump");
        refusedToAdopt(notes, DbEngine.MARIADB, "is not a MariaDB/MySQL dump");
        refusedToAdopt(notes, DbEngine.SQLITE, "is not an SQLite database file");
        refusedToAdopt(notes, DbEngine.H2, "not supported");
        Path archive = Files.write(tmp.resolve("backup.pgdump"), "PGDMP but then garbage".getBytes());
        refusedToAdopt(archive, DbEngine.POSTGRES, "is not a readable pg_dump archive");
        refusedToAdopt(Files.createFile(tmp.resolve("empty.sql")), DbEngine.MARIADB, "is empty");
        refusedToAdopt(tmp.resolve("missing.sql"), DbEngine.MARIADB, "does not exist");
    }

    @Test
    void aTruncatedDumpIsNotAdopted() throws Exception {
        Path maria = Files.writeString(tmp.resolve("backup.sql"), "-- MariaDB dump 10.19  Distrib 11.4.5-MariaDB\n"
                + "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1),(2");
        refusedToAdopt(maria, DbEngine.MARIADB, "is incomplete");
        Path pg = Files.writeString(tmp.resolve("pg.sql"), "--\n-- PostgreSQL database dump\n--\n"
                + "CREATE TABLE public.t (id integer);\nCOPY public.t (id) FROM stdin;\n1\n");
        refusedToAdopt(pg, DbEngine.POSTGRES, "is incomplete");
    }

    @Test
    void aSymlinkedDumpIsNotAdopted() throws Exception {
        Path real = Files.writeString(tmp.resolve("real.sql"), "-- MariaDB dump 10.19\nSELECT 1;\n-- Dump completed on x\n");
        Path dir = Files.createDirectory(tmp.resolve("links"));
        Path link = Files.createSymbolicLink(dir.resolve("backup.sql"), real);
        refusedToAdopt(link, DbEngine.MARIADB, "is a symbolic link");
    }

    @Test
    void aSnapshotsDirectoryOpenToOthersIsRefusedForAdoption() throws Exception {
        Path dump = Files.writeString(tmp.resolve("backup.sql"), "-- MariaDB dump 10.19\nSELECT 1;\n-- Dump completed on x\n");
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> Snapshot.adopt(dump, DbEngine.MARIADB, open)).isInstanceOf(DbException.class)
                .hasMessageContaining("open to others");
        assertThat(DbContractTest.countFiles(open)).isZero();
    }

    @Test
    void templateSnapshotAndRestoreJobOptionsRefuseBadValuesBeforeAnythingRuns() {
        Database pg = Db.postgres(DbConnection.of("db", 5432, "shop", "app", Secret.of("x")));
        Database maria = Db.mariadb(DbConnection.of("db", 3306, "shop", "app", Secret.of("x")));

        assertThatThrownBy(maria::templateSnapshot).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("template snapshots are a PostgreSQL feature").hasMessageContaining("mariadb");
        assertThatThrownBy(() -> pg.snapshot(tmp).terminateConnections()).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("terminateConnections() applies to template snapshots");
        assertThatThrownBy(() -> pg.snapshot(tmp).keep(2)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("keep(n) applies to template snapshots");
        assertThatThrownBy(() -> pg.templateSnapshot().keep(0)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("n must be >= 1, was 0");
        assertThatThrownBy(() -> pg.templateSnapshot().keepFree(-1)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> pg.snapshot(tmp).restoreJobs(0)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("restoreJobs must be at least 1, was 0");
        assertThatThrownBy(() -> pg.restore(tmp.resolve("x.pgdump")).jobs(0)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("jobs must be at least 1, was 0");
        assertThat(Db.DEFAULT_RESTORE_JOBS).as("one transaction unless asked").isEqualTo(1);
    }
}
