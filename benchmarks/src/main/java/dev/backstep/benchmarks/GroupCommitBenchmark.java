package dev.backstep.benchmarks;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: records/s of eight threads appending to one run (the steps of a parallel group)
 * against one thread appending, and the single writer against a bare {@code write + force(true)}
 * loop of lines as long. Every append still returns only once its record is durable. In each round
 * the three run for {@code millis} each in a fresh directory of the same disk, in rotating order;
 * medians of the per-round ratios are printed.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.backstep.benchmarks.GroupCommitBenchmark --rounds=9
 * }</pre>
 */
public final class GroupCommitBenchmark {
    private GroupCommitBenchmark() {
    }

    /** {@code --rounds=9 --threads=8 --millis=400}. */
    public static void main(String[] args) throws Exception {
        int rounds = 9;
        int threads = 8;
        long millis = 400;
        for (String a : args) {
            if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(a.substring(9));
            } else if (a.startsWith("--threads=")) {
                threads = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--millis=")) {
                millis = Long.parseLong(a.substring(9));
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        int lineBytes = JournalBenchmark.journalLineBytes();
        Path base = JournalBenchmark.tempDir("backstep-groupcommit");
        System.out.printf("group commit: %d threads vs 1 appending to one run, vs bare write+force; %d rounds x %d ms"
                + " (load %s)%n", threads, rounds, millis, Files.readString(Path.of("/proc/loadavg")).strip());
        try {
            JournalBenchmark.bare(base, lineBytes, millis);
            journal(base, 1, millis);
            journal(base, threads, millis);
            double[] bare = new double[rounds];
            double[] single = new double[rounds];
            double[] group = new double[rounds];
            double[] singleVsBare = new double[rounds];
            double[] groupVsSingle = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 3; k++) {
                    switch ((r + k) % 3) {
                        case 0 -> bare[r] = JournalBenchmark.bare(base, lineBytes, millis);
                        case 1 -> single[r] = journal(base, 1, millis);
                        default -> group[r] = journal(base, threads, millis);
                    }
                }
                singleVsBare[r] = single[r] / bare[r];
                groupVsSingle[r] = group[r] / single[r];
                System.out.printf("round %2d: bare %7.0f/s  journal 1 thread %7.0f/s  journal %d threads %7.0f/s"
                        + "  1-thread/bare %.2f  %d-threads/1-thread %.2f%n", r + 1, bare[r], single[r], threads,
                        group[r], singleVsBare[r], threads, groupVsSingle[r]);
            }
            System.out.printf("median: bare %.0f/s, journal 1 thread %.0f/s, %d threads %.0f/s;"
                            + " 1-thread/bare %.2f, %d-threads/1-thread %.2f%n",
                    ScenarioBenchmark.median(bare), ScenarioBenchmark.median(single), threads,
                    ScenarioBenchmark.median(group), ScenarioBenchmark.median(singleVsBare), threads,
                    ScenarioBenchmark.median(groupVsSingle));
        } finally {
            JournalBenchmark.deleteRecursively(base);
        }
    }


    static double journal(Path base, int threads, long millis) throws Exception {
        Path dir = Files.createTempDirectory(base, "journal");
        AtomicLong seq = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Journal journal = Journal.directory(dir)) {
            RunId run = RunId.generate(Instant.now());
            long start = System.nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        journal.append(JournalBenchmark.sample(run, seq.getAndIncrement()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            return seq.get() * 1e9 / (System.nanoTime() - start);
        } finally {
            pool.shutdownNow();
            JournalBenchmark.deleteRecursively(dir);
        }
    }
}
