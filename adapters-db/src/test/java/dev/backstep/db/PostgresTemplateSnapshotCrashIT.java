package dev.backstep.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Plan;
import dev.backstep.Secret;
import dev.backstep.db.journal.PostgresServer;
import dev.backstep.testkit.CrashRehearsal;
import dev.backstep.testkit.PlanFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy restored by a template snapshot, SIGKILLed in a child JVM right after each journal
 * record (while taking the snapshot, during the later steps, during the rollback that swaps it
 * in) and recovered by a fresh runner: every table is back, and no snapshot or swapped-out
 * database is left behind except the one a run that never needed it keeps.
 */
public class PostgresTemplateSnapshotCrashIT {
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();

    /** The plan: template snapshot restored on rollback, a schema change, a data change. */
    public static class Deploy implements PlanFactory {
        @Override
        public void prepare(Path dir) throws Exception {
            int port = pg.getPort();
            Files.writeString(dir.resolve("pg.port"), String.valueOf(port));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                    "postgres", ""); Statement s = c.createStatement()) {
                List<String> dbs = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'shop%'")) {
                    while (rs.next()) {
                        dbs.add(rs.getString(1));
                    }
                }
                for (String d : dbs) {
                    s.execute("DROP DATABASE \"" + d + "\" WITH (FORCE)");
                }
                s.execute("CREATE DATABASE shop");
            }
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/shop",
                    "postgres", ""); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id INT PRIMARY KEY, total INT)");
                s.execute("INSERT INTO orders SELECT g, g * 10 FROM generate_series(1, 50) g");
            }
        }

        @Override
        public Plan plan(Path dir) throws Exception {
            int port = Integer.parseInt(Files.readString(dir.resolve("pg.port")).strip());
            Database shop = Db.postgres(DbConnection.of("localhost", port, "shop", "postgres", Secret.of("unused")));
            return Plan.named("migrate shop").target("shop")
                    .step(shop.templateSnapshot().restoreOnRollback().withName("snapshot"))
                    .step(shop.sql("ALTER TABLE orders ADD note TEXT").withName("add note"))
                    .step(shop.sql("DELETE FROM orders WHERE id > 25").withName("delete half"))
                    .build();
        }
    }

    @Test
    void aKillAfterAnyJournalRecordIsRecoveredWithEveryTableBack(@TempDir Path tmp) throws Exception {
        CrashRehearsal.Result r = CrashRehearsal.of(Deploy.class).in(tmp).maxBoundaries(60)
                .assertRestoredAtEveryBoundary();

        assertThat(r.toText()).contains("killed at");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
                "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'shop\\_bs\\_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the last boundary's snapshot was swapped in, none left over").isZero();
        }
    }
}
