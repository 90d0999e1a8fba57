package dev.backstep.spi;

import dev.backstep.RunId;
import java.time.Instant;
import java.util.Objects;

/**
 * Who holds (or last held) the lock on a target: the host and process of the run, and since
 * when. Returned by {@link Lock#holder(String)} and carried by
 * {@link dev.backstep.LockUnavailableException}.
 *
 * <pre>{@code
 * lock.holder("shop").ifPresent(h -> System.out.println(
 *         "locked by run " + h.runId() + " (pid " + h.pid() + " on " + h.host() + ")"
 *         + (h.isStale() ? ", stale: that process is gone" : "")));
 * }</pre>
 *
 * @param target what is locked (a deploy target such as {@code shop@prod})
 * @param host the host name of the holding process
 * @param pid the process id of the holding process on {@code host}
 * @param runId the run that holds the lock
 * @param since when the lock was acquired
 */
public record LockHolder(String target, String host, long pid, RunId runId, Instant since) {

    public LockHolder {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(since, "since");
    }

    /**
     * True when the holder ran on this host and its process is no longer alive: the lock was
     * left behind by a crash. A holder on another host is never judged stale from here.
     */
    public boolean isStale() {
        return host.equals(Locks.localHost())
                && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty();
    }

    /** {@code run R (host H, pid N, since T)}, for messages. */
    public String describe() {
        return "run " + runId + " (host " + host + ", pid " + pid + ", since " + since + ")";
    }
}
