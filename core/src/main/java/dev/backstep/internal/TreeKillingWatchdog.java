package dev.backstep.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Watchdog;

/**
 * An {@link ExecuteWatchdog} that kills the whole process tree, not only the direct child: the
 * descendants are listed before the parent is terminated (afterwards they are re-parented and
 * cannot be found any more). It also serves cancellation ({@link #cancel()}, for an interrupted
 * caller) and escalation to {@code SIGKILL} ({@link #killRemaining}).
 */
final class TreeKillingWatchdog extends ExecuteWatchdog {
    private ProcessHandle handle;
    private final Set<ProcessHandle> known = new LinkedHashSet<>();
    private boolean cancelled;
    private boolean timedOut;
    private boolean killedByCancel;

    @SuppressWarnings("deprecation") // the only constructor open to subclasses
    TreeKillingWatchdog(Duration timeout) {
        super(Math.max(1, timeout.toMillis()));
    }

    @Override
    public synchronized void start(Process process) {
        super.start(process);
        handle = process.toHandle();
        if (cancelled) {
            terminateTree();
            killedByCancel = true;
        }
    }

    @Override
    public synchronized void timeoutOccured(Watchdog w) {
        if (w != null && handle != null && handle.isAlive() && !killedByCancel) {
            // our own flag: once the children are gone the parent may exit by itself before
            // super looks at it, and it would not count as killed
            timedOut = true;
            terminateTree();
        }
        super.timeoutOccured(w);
    }

    /** Terminates the process tree for an interrupted caller (or as soon as it starts). */
    synchronized void cancel() {
        cancelled = true;
        if (handle != null && handle.isAlive() && !timedOut && !killedByCancel) {
            terminateTree();
            killedByCancel = true;
        }
    }

    /** True when the process ran past its timeout and was killed. */
    synchronized boolean timedOut() {
        return timedOut;
    }

    /** True when {@link #cancel()} killed the process. */
    synchronized boolean killedByCancel() {
        return killedByCancel;
    }

    /**
     * After a kill: waits up to {@code grace} for every process of the tree to end, then kills
     * the remaining ones with {@code SIGKILL}.
     */
    void killRemaining(Duration grace) {
        Set<ProcessHandle> targets;
        synchronized (this) {
            if (handle != null) {
                snapshot();
            }
            targets = new LinkedHashSet<>(known);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : targets) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    p.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException | ExecutionException e) {
                // still alive: killed below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * SIGTERM to the descendants first, so that a parent still alive can reap them (no zombie is
     * left to an init that may not reap), then to the process itself.
     */
    private void terminateTree() {
        snapshot();
        known.stream().filter(p -> !p.equals(handle)).forEach(ProcessHandle::destroy);
        handle.destroy();
    }

    private void snapshot() {
        if (handle.isAlive()) {
            known.add(handle);
        }
        handle.descendants().forEach(known::add);
    }
}
