package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.testkit.StepHarness;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/** Small real-file helpers for the tests, and the hand-driven steps they check. */
final class Fs {
    private Fs() {
    }

    static String mode(Path p) throws IOException {
        return String.format("%04o", ((Integer) Files.getAttribute(p, "unix:mode")) & 07777);
    }

    static void chmod(Path p, String octal) throws IOException {
        Files.setAttribute(p, "unix:mode", Integer.parseInt(octal, 8));
    }

    static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid");
    }

    /** {@code rm -rf}: the tree, never what a link inside it points to. */
    static void deleteTree(Path p) throws IOException {
        dev.backstep.files.internal.FileOps.deleteRecursively(p);
    }

    /** The bytes of one run's file in a directory journal. */
    static String runFile(Path journalDir, dev.backstep.RunId run) throws IOException {
        return Files.readString(journalDir.resolve("runs").resolve(run.value() + ".jsonl"));
    }

    /** Every message down a cause chain, and of suppressed exceptions, one per line. */
    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
            for (Throwable s : c.getSuppressed()) {
                b.append(messages(s));
            }
        }
        return b.toString();
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Validating {@code step} fails with a {@link StepValidationException} naming each of {@code parts}. */
    static void assertInvalid(Step step, String... parts) {
        assertThatThrownBy(() -> StepHarness.of(step).validate()).isInstanceOf(StepValidationException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(parts));
    }

    /** Drives {@code step} by hand, its backups under {@code tmp/state}. */
    static StepHarness harness(Step step, Path tmp) {
        return StepHarness.of(step).backupRoot(tmp.resolve("state"));
    }

    /** {@code ctx} with a backup directory that is given, not created. */
    static StepContext withBackupDir(StepContext ctx, Path backupDir) {
        return forward(ctx, (m, args) -> m.getName().equals("backupDir") ? backupDir : m.invoke(ctx, args));
    }

    /**
     * {@code ctx} whose records are also synced to the properties file {@code journal} before the
     * step goes on: a stand-in for the journal that survives a killed process.
     */
    static StepContext durable(StepContext ctx, Path journal) {
        return forward(ctx, (m, args) -> {
            Object result = m.invoke(ctx, args);
            if (m.getName().equals("record") || m.getName().equals("recordAll")) {
                sync(ctx.recordedValues(), journal);
            }
            return result;
        });
    }

    /** What a {@link #durable} context synced to {@code journal}, read as another process would. */
    static Map<String, String> journal(Path journal) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(journal)) {
            p.load(r);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static void sync(Map<String, String> records, Path journal) {
        Properties p = new Properties();
        p.putAll(records);
        Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, null);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Call {
        Object answer(Method m, Object[] args) throws Exception;
    }

    /** A context that answers every call with {@code call}, which passes what it does not change on. */
    private static StepContext forward(StepContext ctx, Call call) {
        InvocationHandler h = (proxy, m, args) -> {
            try {
                return call.answer(m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (StepContext) Proxy.newProxyInstance(Fs.class.getClassLoader(), new Class<?>[] {StepContext.class}, h);
    }
}
