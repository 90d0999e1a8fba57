package dev.backstep.internal;

import dev.backstep.Evidence;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.EvidenceTypeProvider;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures an {@link Evidence.Custom} item on a thread of its own, watching its file: past the
 * item's {@code maxBytes} or timeout the thread is interrupted (a command it runs is killed), the
 * file deleted and the item reported failed. Never throws.
 */
final class CustomCapture {
    private static final Logger LOG = LoggerFactory.getLogger(CustomCapture.class);
    private static final long POLL_MS = 20;
    /** How long a stopped capture may take to end (the command runner kills within seconds). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private CustomCapture() {
    }

    /** A file-name-safe form of a type id or extension. */
    static String fileName(String s) {
        return s.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** The item of type {@code type} rebuilt by its provider, or one that reports why it cannot be. */
    static Evidence.Custom rebuild(String type, String what, long maxBytes, Map<String, String> values) {
        for (EvidenceTypeProvider p : ServiceLoader.load(EvidenceTypeProvider.class,
                CustomCapture.class.getClassLoader())) {
            Function<Map<String, String>, Evidence.Custom> f = p.evidenceTypes().get(type);
            if (f != null) {
                try {
                    return f.apply(values);
                } catch (RuntimeException e) {
                    return new Unresolved(type, what, maxBytes, "cannot rebuild: " + Errors.message(e));
                }
            }
        }
        return new Unresolved(type, what, maxBytes, "no provider of evidence type '" + type
                + "' on the class path of this process");
    }

    static Evidence.Captured capture(RunInfo run, Evidence.Custom e, Path target) {
        String what = e.describe();
        long max = e.maxBytes();
        try {
            EvidenceCapture.write(target, new byte[0]); // 0600, created new: never a file someone else placed
        } catch (IOException | RuntimeException ex) {
            return failed(what, false, "cannot create " + target + ": " + run.secrets().mask(Errors.message(ex)));
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CommandRunner commands = run.commands();
        Thread worker = new Thread(() -> {
            try {
                e.capture(target, commands);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "backstep-evidence-" + run.runId().value());
        worker.setDaemon(true);
        long deadline = System.nanoTime() + e.timeout().toNanos();
        String stop = null;
        boolean over = false;
        boolean interrupted = false;
        worker.start();
        while (worker.isAlive()) {
            try {
                worker.join(POLL_MS);
            } catch (InterruptedException ie) {
                interrupted = true;
                stop = "interrupted";
                break;
            }
            if (size(target) > max) {
                over = true;
                break;
            }
            if (worker.isAlive() && System.nanoTime() - deadline > 0) {
                stop = "timed out after " + e.timeout();
                break;
            }
        }
        if (worker.isAlive()) {
            worker.interrupt();
            interrupted |= join(worker, STOP_GRACE);
        }
        long size = size(target);
        over |= size > max;
        String error;
        if (over) {
            error = "larger than its bound of " + max + " bytes: refused and deleted, not kept cut (a cut capture"
                    + " cannot be used); raise maxBytes";
        } else if (stop != null) {
            error = stop;
        } else if (failure.get() != null) {
            error = run.secrets().mask(Errors.message(failure.get()));
        } else if (worker.isAlive()) {
            error = "did not end";
        } else {
            error = null;
        }
        try {
            if (error != null) {
                Files.deleteIfExists(target);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return failed(what, over, error);
            }
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ch.force(true);
            }
            return new Evidence.Captured(what, Optional.of(target), size, false, Optional.empty());
        } catch (IOException ex) {
            LOG.warn("[{}] evidence {} in {}: {}", run.runId(), what, target, Errors.message(ex));
            return failed(what, over, (error == null ? "" : error + "; ") + "cannot store: "
                    + run.secrets().mask(Errors.message(ex)));
        }
    }

    private static Evidence.Captured failed(String what, boolean over, String error) {
        return new Evidence.Captured(what, Optional.empty(), 0, over, Optional.of(error));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Waits for {@code t} at most {@code max}; returns whether this thread was interrupted meanwhile. */
    private static boolean join(Thread t, Duration max) {
        boolean interrupted = false;
        long end = System.nanoTime() + max.toNanos();
        while (t.isAlive()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException ie) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /** An item whose type this process cannot rebuild: reported as a failed capture. */
    private record Unresolved(String type, String what, long maxBytes, String why) implements Evidence.Custom {
        @Override
        public Map<String, String> values() {
            return Map.of();
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public void capture(Path target, CommandRunner commands) {
            throw new dev.backstep.BackstepException(why);
        }

        @Override
        public String describe() {
            return what == null ? type : what;
        }
    }
}
