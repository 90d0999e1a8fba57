package dev.backstep.benchmarks;

import static dev.backstep.benchmarks.ScenarioBenchmark.median;

import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What durability costs: {@code Journal.directory(...)} appends per second (encode, CRC32C,
 * positional write, {@code force(true)}) against a bare {@code FileChannel.write + force(true)}
 * loop writing lines of the same size to the same disk. Both write into a fresh directory under
 * {@code java.io.tmpdir} (override with {@code -Dbackstep.bench.dir=/path} passed to the forked
 * JVM via {@code -jvmArgs}).
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.backstep.benchmarks.JournalBenchmark   # interleaved, ~8 s
 * java -jar benchmarks/target/benchmarks.jar JournalBenchmark                          # JMH, ~20 s
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class JournalBenchmark {

    /** A typical undo-data record: step name, key, a path-sized value. */
    static JournalRecord sample(RunId run, long seq) {
        return new JournalRecord(run, seq, Instant.now(), JournalRecord.Type.STEP_RECORDED,
                Optional.of("release.switch-symlink"),
                Map.of("key", "previousTarget", "value", "/srv/shop/releases/20261122-014500-v1.42.0"));
    }

    static Path tempDir(String prefix) {
        try {
            String base = System.getProperty("backstep.bench.dir");
            return base == null ? Files.createTempDirectory(prefix)
                    : Files.createTempDirectory(Files.createDirectories(Path.of(base)), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The size of the line the journal writes for {@link #sample}. */
    static int journalLineBytes() {
        Path dir = tempDir("backstep-size");
        try (Journal journal = Journal.directory(dir)) {
            RunId run = RunId.generate(Instant.now());
            journal.append(sample(run, 0));
            return (int) Files.size(dir.resolve("runs").resolve(run.value() + ".jsonl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** One journal, one run per benchmark thread. */
    @State(Scope.Thread)
    public static class JournalState extends OpenJournal {
        long seq;

        public JournalState() {
            super("backstep-journal");
        }
    }

    /** One run shared by several threads, as the steps of a parallel group append. */
    @State(Scope.Benchmark)
    public static class SharedRunState extends OpenJournal {
        final AtomicLong seq = new AtomicLong();

        public SharedRunState() {
            super("backstep-shared");
        }
    }

    /** A directory journal in a fresh temporary directory and one run id, for a trial. */
    public abstract static class OpenJournal {
        private final String prefix;
        Path dir;
        Journal journal;
        RunId run;

        OpenJournal(String prefix) {
            this.prefix = prefix;
        }

        @Setup(Level.Trial)
        public void open() {
            dir = tempDir(prefix);
            journal = Journal.directory(dir);
            run = RunId.generate(Instant.now());
        }

        @TearDown(Level.Trial)
        public void close() {
            journal.close();
            deleteRecursively(dir);
        }
    }

    /** A bare append-only file written with lines as long as the journal's. */
    @State(Scope.Thread)
    public static class BareState {
        Path dir;
        FileChannel channel;
        ByteBuffer line;
        long position;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = tempDir("backstep-bare");
            channel = FileChannel.open(dir.resolve("bare.log"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            byte[] bytes = new byte[journalLineBytes()];
            java.util.Arrays.fill(bytes, (byte) 'x');
            bytes[bytes.length - 1] = '\n';
            line = ByteBuffer.wrap(bytes);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            deleteRecursively(dir);
        }
    }

    @Benchmark
    public void journalAppend(JournalState s) {
        s.journal.append(sample(s.run, s.seq++));
    }

    @Benchmark
    @Threads(4)
    public void journalAppendSharedRun4Threads(SharedRunState s) {
        s.journal.append(sample(s.run, s.seq.getAndIncrement()));
    }

    @Benchmark
    public void bareWriteForce(BareState s) throws IOException {
        s.line.rewind();
        while (s.line.hasRemaining()) {
            s.position += s.channel.write(s.line, s.position);
        }
        s.channel.force(true);
    }

    /**
     * Without arguments: the interleaved comparison (a few seconds; see {@link #interleaved}).
     * With arguments: JMH's own command line, e.g. {@code JournalBenchmark -i 5}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && !args[0].startsWith("--rounds=")) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0].substring("--rounds=".length())) : 10;
        interleaved(rounds, 300);
    }

    /**
     * A plain harness for noisy shared machines, where JMH's one-benchmark-after-another order
     * lets disk contention favour whichever runs in a quiet minute: in each round the bare loop
     * and the journal each run for {@code millis} (alternating which goes first), in a fresh
     * directory of the same disk, and the round's journal/bare ratio is taken. Prints medians.
     */
    public static void interleaved(int rounds, long millis) throws IOException {
        int lineBytes = journalLineBytes();
        Path base = tempDir("backstep-interleaved");
        System.out.printf("journal vs bare write+force(true), %d-byte lines, %d rounds x %d ms each, in %s%n",
                lineBytes, rounds, millis, base);
        try {
            // warm up both paths (JIT, page cache, first fsyncs)
            bare(base, lineBytes, millis);
            runJournal(base, millis);
            double[] bare = new double[rounds];
            double[] journal = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    bare[r] = bare(base, lineBytes, millis);
                    journal[r] = runJournal(base, millis);
                } else {
                    journal[r] = runJournal(base, millis);
                    bare[r] = bare(base, lineBytes, millis);
                }
                ratio[r] = journal[r] / bare[r];
                System.out.printf("round %2d: bare %8.0f/s  journal %8.0f/s  journal/bare %.2f%n",
                        r + 1, bare[r], journal[r], ratio[r]);
            }
            System.out.printf("median: bare %.0f records/s (%.3f ms each), journal %.0f records/s (%.3f ms each),"
                            + " journal/bare %.2f%n",
                    median(bare), 1000 / median(bare), median(journal), 1000 / median(journal), median(ratio));
        } finally {
            deleteRecursively(base);
        }
    }

    /** Appends {@code lineBytes}-byte lines with write + force(true) for {@code millis}; lines per second. */
    static double bare(Path base, int lineBytes, long millis) throws IOException {
        Path dir = Files.createTempDirectory(base, "bare");
        byte[] bytes = new byte[lineBytes];
        java.util.Arrays.fill(bytes, (byte) 'x');
        bytes[lineBytes - 1] = '\n';
        ByteBuffer line = ByteBuffer.wrap(bytes);
        long ops = 0;
        long position = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        try (FileChannel ch = FileChannel.open(dir.resolve("bare.log"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            long now;
            do {
                line.rewind();
                while (line.hasRemaining()) {
                    position += ch.write(line, position);
                }
                ch.force(true);
                ops++;
                now = System.nanoTime();
            } while (now < end);
            return ops * 1e9 / (now - start);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static double runJournal(Path base, long millis) throws IOException {
        Path dir = Files.createTempDirectory(base, "journal");
        long ops = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        try (Journal journal = Journal.directory(dir)) {
            RunId run = RunId.generate(Instant.now());
            long now;
            do {
                journal.append(sample(run, ops));
                ops++;
                now = System.nanoTime();
            } while (now < end);
            return ops * 1e9 / (now - start);
        }
    }
}
