package dev.backstep.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.db.journal.JdbcJournal;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Journal scale: what {@code rollback(runId)}, {@code history(target)}, {@code lastGood(target)}
 * and {@code recover()} of one target cost when the journal holds 100 runs of other targets and
 * when it holds 100,000, for the directory journal and the JDBC journal on H2. Other targets'
 * runs are written straight into the journal (directory: run files in the journal's line format;
 * H2: through {@link Journal#append}, no steps run); the target's own runs are real runs. Each
 * round deploys a run of the target on each journal (not timed), then times the four calls on
 * each, alternating sizes; medians and the median of the per-round ratios are printed.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.backstep.benchmarks.JournalScaleBenchmark --runs=100,100000 --rounds=9
 * java -cp benchmarks/target/benchmarks.jar dev.backstep.benchmarks.JournalScaleBenchmark --runs=100,100000 --rounds=9 \
 *     --journals=directory --fresh
 * }</pre>
 */
public final class JournalScaleBenchmark {
    private static final String TARGET = "shop@prod";
    private static final int OTHER_TARGETS = 1000;
    private static final String[] OPS = {"rollback", "history", "lastGood", "recover"};
    /** {@code --no-index}: the runner sees the journal through the {@link Journal} defaults (reads every run), as before the index. */
    private static boolean noIndex;
    /**
     * {@code --fresh}: each timed call opens a new {@code Journal.directory(dir)} and runner first
     * (what an operator command or a deploy process does), the open included in the time.
     */
    private static boolean fresh;
    private static final Plan PLAN = Plan.named("deploy shop").target(TARGET)
            .step(Step.named("switch").action(ctx -> ctx.record("previous", "1.0")).compensation(ctx -> { }).build())
            .build();

    private JournalScaleBenchmark() {
    }

    /** {@code --runs=100,100000 --rounds=9 --journals=directory,h2 [--no-index]}. */
    public static void main(String[] args) throws Exception {
        int[] sizes = {100, 100_000};
        int rounds = 9;
        List<String> kinds = List.of("directory", "h2");
        for (String a : args) {
            if (a.startsWith("--runs=")) {
                sizes = Arrays.stream(a.substring(7).split(",")).mapToInt(Integer::parseInt).toArray();
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(a.substring(9));
            } else if (a.startsWith("--journals=")) {
                kinds = List.of(a.substring(11).split(","));
            } else if (a.equals("--no-index")) {
                noIndex = true;
            } else if (a.equals("--fresh")) {
                fresh = true;
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        Path base = JournalBenchmark.tempDir("backstep-scale");
        if (fresh && kinds.contains("h2")) {
            throw new IllegalArgumentException("--fresh measures the directory journal: add --journals=directory");
        }
        System.out.printf("journal scale: %s journals%s%s, %s runs of %d other targets, %d rounds (load %s)%n", kinds,
                noIndex ? " without their index (every lookup reads every run)" : "",
                fresh ? ", each call on a newly opened journal (open included)" : "",
                Arrays.toString(sizes), OTHER_TARGETS, rounds, Files.readString(Path.of("/proc/loadavg")).strip());
        try {
            for (String kind : kinds) {
                List<Side> sides = new ArrayList<>();
                for (int n : sizes) {
                    sides.add(setUp(kind, n, base.resolve(kind + "-" + n)));
                }
                measure(kind, sides, rounds);
                for (Side s : sides) {
                    s.close();
                }
            }
        } finally {
            JournalBenchmark.deleteRecursively(base);
        }
    }

    /** One journal with {@code others} runs of other targets, and a runner on it. */
    private static final class Side implements AutoCloseable {
        final int others;
        final Journal journal;
        final Runner runner;
        final AutoCloseable resource;
        final Map<String, List<Double>> millis = new LinkedHashMap<>();
        /** The directory journal's directory, for {@code --fresh}; null for H2. */
        Path dir;
        final Path state;

        Side(int others, Journal journal, Path state, AutoCloseable resource) {
            this.others = others;
            this.journal = journal;
            this.state = state;
            this.runner = runnerOn(journal, state);
            this.resource = resource;
            for (String op : OPS) {
                millis.put(op, new ArrayList<>());
            }
        }

        @Override
        public void close() throws Exception {
            journal.close();
            if (resource != null) {
                resource.close();
            }
        }
    }

    /** {@code journal} without its index: runsOf and unfinishedRuns are the defaults, which read every run. */
    private static Journal withoutIndex(Journal journal) {
        return new ForwardingJournal(journal) {
            @Override
            public void appendAll(List<JournalRecord> records) {
                journal.appendAll(records);
            }
        };
    }

    private static Plan plan() {
        return PLAN;
    }

    private static Runner runnerOn(Journal journal, Path state) {
        return Backstep.runner().journal(noIndex ? withoutIndex(journal) : journal).stateDir(state).plan(PLAN).build();
    }

    /** {@code call} on {@code s}'s runner, or with {@code --fresh} on a runner of a journal opened for it. */
    private static double time(Side s, java.util.function.Function<Runner, Object> call) {
        if (!fresh) {
            return time(() -> call.apply(s.runner));
        }
        long t = System.nanoTime();
        Journal journal = Journal.directory(s.dir);
        call.apply(runnerOn(journal, s.state));
        double ms = (System.nanoTime() - t) / 1e6;
        try {
            journal.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ms;
    }

    private static Side setUp(String kind, int others, Path dir) throws Exception {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Side side;
        if (kind.equals("directory")) {
            writeRunFiles(dir.resolve("journal"), others);
            sync(); // the files' write-back must not slow the first rounds' fsyncs down
            long written = System.nanoTime();
            Journal journal = Journal.directory(dir.resolve("journal"));
            journal.runsOf(TARGET); // builds the index from the run files
            System.out.printf("  directory, %,d runs: files written in %d ms, index built in %d ms%n", others,
                    (written - t0) / 1_000_000, (System.nanoTime() - written) / 1_000_000);
            journal.close();
            long reopen = System.nanoTime();
            journal = Journal.directory(dir.resolve("journal"));
            journal.runsOf(TARGET); // a journal opened on a sound index: checks it against the run files
            System.out.printf("  directory, %,d runs: a new journal checked the index in %d ms%n", others,
                    (System.nanoTime() - reopen) / 1_000_000);
            side = new Side(others, journal, dir.resolve("state"), null);
            side.dir = dir.resolve("journal");
        } else if (kind.equals("h2")) {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
            Connection keepOpen = ds.getConnection();
            JdbcJournal.create(ds).close(); // creates the tables
            insertRows(keepOpen, others);
            sync();
            long inserted = System.nanoTime();
            JdbcJournal journal = JdbcJournal.create(ds); // indexes the runs it finds
            System.out.printf("  h2, %,d runs: rows inserted in %d ms, indexed by JdbcJournal.create in %d ms%n", others,
                    (inserted - t0) / 1_000_000, (System.nanoTime() - inserted) / 1_000_000);
            side = new Side(others, journal, dir.resolve("state"), keepOpen);
        } else {
            throw new IllegalArgumentException("unknown journal " + kind + " (directory, h2)");
        }
        // the target's first run, marked good: lastGood has something to find
        RunResult first = side.runner.run(plan());
        side.runner.markGood(first.runId());
        long t = System.nanoTime();
        side.runner.recover(); // the first recover() of a directory journal compares every run file with the index
        System.out.printf("  %s, %,d runs: first recover() %d ms%n", kind, others, (System.nanoTime() - t) / 1_000_000);
        return side;
    }

    private static void sync() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sync").inheritIO().start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("sync did not finish in 10 minutes");
        }
    }

    private static void measure(String kind, List<Side> sides, int rounds) {
        int warmUp = 3;
        double[][] ratios = new double[OPS.length][rounds];
        for (int round = -warmUp; round < rounds; round++) {
            for (Side s : sides) {
                RunResult deployed = s.runner.run(plan());
                if (deployed.status() != RunStatus.SUCCEEDED) {
                    throw new IllegalStateException("deploy " + deployed.status());
                }
                double rollback = time(s, r -> r.rollback(deployed.runId()).status());
                double history = time(s, r -> r.history(TARGET).size());
                double lastGood = time(s, r -> r.lastGood(TARGET).isPresent());
                double recover = time(s, r -> r.recover().recovered().size());
                if (round >= 0) {
                    s.millis.get("rollback").add(rollback);
                    s.millis.get("history").add(history);
                    s.millis.get("lastGood").add(lastGood);
                    s.millis.get("recover").add(recover);
                }
            }
            if (round >= 0) {
                for (int op = 0; op < OPS.length; op++) {
                    List<Double> small = sides.get(0).millis.get(OPS[op]);
                    List<Double> large = sides.get(sides.size() - 1).millis.get(OPS[op]);
                    ratios[op][round] = large.get(round) / small.get(round);
                }
            }
        }
        Side small = sides.get(0);
        Side large = sides.get(sides.size() - 1);
        System.out.printf("%s journal: median ms at %,d / %,d runs of other targets, median of per-round ratios%n",
                kind, small.others, large.others);
        for (int op = 0; op < OPS.length; op++) {
            System.out.printf("  %-9s %8.2f ms %8.2f ms   ratio %.2f%n", OPS[op], median(small.millis.get(OPS[op])),
                    median(large.millis.get(OPS[op])), ScenarioBenchmark.median(ratios[op]));
        }
    }

    private static double time(Supplier<Object> call) {
        long t = System.nanoTime();
        call.get();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(List<Double> xs) {
        return ScenarioBenchmark.median(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static List<JournalRecord> records(RunId id, int i, Instant at) {
        String target = "svc-" + (i % OTHER_TARGETS) + "@prod";
        return List.of(
                new JournalRecord(id, 0, at, JournalRecord.Type.RUN_STARTED, Optional.empty(),
                        Map.of("plan", "deploy " + target, "target", target, "host", "bench", "steps", "1")),
                new JournalRecord(id, 1, at, JournalRecord.Type.STEP_STARTED, Optional.of("switch"),
                        Map.of("kind", "COMPENSATABLE", "type", "custom", "stage", "0", "attempt", "1")),
                new JournalRecord(id, 2, at, JournalRecord.Type.STEP_SUCCEEDED, Optional.of("switch"), Map.of()),
                new JournalRecord(id, 3, at, JournalRecord.Type.RUN_FINISHED, Optional.empty(),
                        Map.of("status", "SUCCEEDED")));
    }

    private static RunId runId(int i, Instant base) {
        return RunId.generate(base.plusMillis(i));
    }

    /**
     * The rows of {@code n} one-step succeeded runs, in the JDBC journal's documented row format
     * (data as canonical JSON, CRC32C of the canonical row), inserted in batches: appending them
     * one transaction each would take minutes.
     */
    private static void insertRows(Connection c, int n) throws java.sql.SQLException {
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        c.setAutoCommit(false);
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + JdbcJournal.DEFAULT_TABLE
                + " (run_id, seq, at, type, step, data, crc) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                for (JournalRecord r : records(runId(i, base), i, base.plusMillis(i))) {
                    String at = r.at().toString();
                    String data = JsonCodec.write(new TreeMap<>(r.data()));
                    Map<String, Object> canonical = new LinkedHashMap<>();
                    canonical.put("runId", r.runId().value());
                    canonical.put("seq", r.sequence());
                    canonical.put("at", at);
                    canonical.put("type", r.type().name());
                    canonical.put("step", r.step().orElse(null));
                    canonical.put("data", data);
                    byte[] bytes = JsonCodec.write(canonical).getBytes(UTF_8);
                    CRC32C crc = new CRC32C();
                    crc.update(bytes, 0, bytes.length);
                    ps.setString(1, r.runId().value());
                    ps.setLong(2, r.sequence());
                    ps.setString(3, at);
                    ps.setString(4, r.type().name());
                    ps.setString(5, r.step().orElse(null));
                    ps.setString(6, data);
                    ps.setString(7, String.format("%08x", crc.getValue()));
                    ps.addBatch();
                }
                if (i % 1000 == 999 || i == n - 1) {
                    ps.executeBatch();
                    c.commit();
                }
            }
        }
        c.setAutoCommit(true);
    }

    /**
     * The same runs as run files in the directory journal's documented line format (the canonical
     * JSON record, then its CRC32C), written once with no fsync per file: a template run written
     * by the journal itself, its run id and target replaced and its checksums computed again.
     */
    private static void writeRunFiles(Path dir, int n) throws IOException {
        Path templateDir = dir.resolveSibling("template");
        RunId templateId = RunId.of("20260101-000000.000-0000000000");
        try (Journal template = Journal.directory(templateDir)) {
            Instant at = Instant.parse("2026-01-01T00:00:00Z");
            for (JournalRecord r : records(templateId, 0, at)) {
                template.append(r);
            }
        }
        List<String> lines = Files.readAllLines(templateDir.resolve("runs").resolve(templateId.value() + ".jsonl"), UTF_8);
        Files.createDirectories(dir.resolve("runs"));
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        String templateTarget = "svc-0@prod";
        // file creation dominates (about 1 ms a file on a busy ext4): several threads share the disk's journal commits
        java.util.concurrent.ForkJoinPool writers = new java.util.concurrent.ForkJoinPool(8);
        writers.submit(() -> java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            RunId id = runId(i, base);
            String target = "svc-" + (i % OTHER_TARGETS) + "@prod";
            StringBuilder file = new StringBuilder(lines.size() * 300);
            for (String line : lines) {
                int crcAt = line.lastIndexOf(",\"crc\":\"");
                String canonical = (line.substring(0, crcAt) + "}").replace(templateId.value(), id.value())
                        .replace("\"" + templateTarget + "\"", "\"" + target + "\"")
                        .replace("\"deploy " + templateTarget + "\"", "\"deploy " + target + "\"");
                CRC32C crc = new CRC32C();
                byte[] bytes = canonical.getBytes(UTF_8);
                crc.update(bytes, 0, bytes.length);
                file.append(canonical, 0, canonical.length() - 1).append(String.format(",\"crc\":\"%08x\"}", crc.getValue()))
                        .append('\n');
            }
            try {
                Files.writeString(dir.resolve("runs").resolve(id.value() + ".jsonl"), file, UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).join();
        writers.shutdown();
        JournalBenchmark.deleteRecursively(templateDir);
    }
}
