package dev.backstep.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
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
        // polled: onExit() of a process that is not our child polls far more slowly
        while (targets.stream().anyMatch(TreeKillingWatchdog::running) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        targets.stream().filter(TreeKillingWatchdog::running).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Alive and not a zombie. A killed grandchild whose parent died first is re-parented to
     * init, and {@link ProcessHandle#isAlive()} stays true until init reaps it, which some
     * container inits never do; on Linux {@code /proc} tells the zombie apart.
     */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        try {
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')');
            if (close > 0 && close + 2 < s.length()) {
                char state = s.charAt(close + 2);
                return state != 'Z' && state != 'X';
            }
            return true;
        } catch (NoSuchFileException e) {
            return !Files.isDirectory(Path.of("/proc", "self")); // no procfs: trust isAlive
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

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
