package dev.backstep.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.ExecuteException;

/**
 * A result handler whose {@link #waitFor(Duration)} wakes up the moment the process ends.
 * Commons Exec's own handler polls every 50 ms, which added that much to every command.
 */
final class LatchResultHandler extends DefaultExecuteResultHandler {
    private final CountDownLatch done = new CountDownLatch(1);

    @Override
    public void onProcessComplete(int exitValue) {
        super.onProcessComplete(exitValue);
        done.countDown();
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
        super.onProcessFailed(e);
        done.countDown();
    }

    @Override
    public void waitFor(Duration timeout) throws InterruptedException {
        done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void waitFor() throws InterruptedException {
        done.await();
    }
}
