package dev.backstep.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.ExecuteStreamHandler;

/**
 * Closes the child's standard input at once (a command never waits for input) and copies its
 * standard output and error into two {@link TailBuffer}s.
 *
 * <p>Unlike Commons Exec's {@code PumpStreamHandler}, {@link #stop()} does not wait forever for
 * the pipes to close: a background process the command left behind may hold them open. After
 * {@code drainTimeout} it gives up and reports {@link #incomplete()}.
 */
final class CapturingStreamHandler implements ExecuteStreamHandler {
    private final TailBuffer out;
    private final TailBuffer err;
    private final ThreadFactory threads;
    private final Duration drainTimeout;
    private Thread outPump;
    private Thread errPump;
    private volatile boolean incomplete;

    CapturingStreamHandler(TailBuffer out, TailBuffer err, ThreadFactory threads, Duration drainTimeout) {
        this.out = out;
        this.err = err;
        this.threads = threads;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void setProcessInputStream(OutputStream stdin) throws IOException {
        stdin.close();
    }

    @Override
    public void setProcessOutputStream(InputStream stdout) {
        outPump = threads.newThread(() -> pump(stdout, out));
    }

    @Override
    public void setProcessErrorStream(InputStream stderr) {
        errPump = threads.newThread(() -> pump(stderr, err));
    }

    @Override
    public void start() {
        outPump.start();
        errPump.start();
    }

    @Override
    public void stop() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        join(outPump, deadline);
        join(errPump, deadline);
    }

    /** True when a pipe was still open after the drain timeout: output may be missing. */
    boolean incomplete() {
        return incomplete;
    }

    private void join(Thread t, long deadline) {
        if (t == null) {
            return;
        }
        try {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            incomplete = true;
        }
    }

    private static void pump(InputStream in, TailBuffer sink) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                sink.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the stream was closed under us (the process ended and its pipes were closed)
        }
    }
}
