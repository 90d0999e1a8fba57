package dev.backstep;

import dev.backstep.spi.LockHolder;
import java.time.Duration;
import java.util.Optional;

/**
 * Another run holds the lock on the target, so this run did not start (nothing was changed).
 * {@link #holder()} names it: host, pid, run id and since when.
 *
 * <pre>{@code
 * try (Lock.Handle h = lock.acquire("shop", runId, Duration.ofSeconds(30))) {
 *     ...
 * } catch (LockUnavailableException e) {
 *     e.holder().ifPresent(h -> System.err.println("busy: " + h.describe()));
 * }
 * }</pre>
 */
public class LockUnavailableException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final String target;
    private final transient LockHolder holder;

    /**
     * @param target the locked target
     * @param holder who holds it, or null when the lock file does not name a holder
     * @param waited how long the caller waited before giving up
     */
    public LockUnavailableException(String target, LockHolder holder, Duration waited) {
        this(target, holder, "target '" + target + "' is locked by "
                + (holder == null ? "another process (holder not recorded)" : holder.describe())
                + (waited.isZero() ? "" : "; waited " + waited)
                + (holder != null && holder.isStale()
                        ? "; that process is no longer alive on this host (stale lock: Lock.breakLock can clear it)"
                        : ""));
    }

    /** With a message of the caller's own, e.g. when breaking a live lock is refused. */
    public LockUnavailableException(String target, LockHolder holder, String message) {
        super(message);
        this.target = target;
        this.holder = holder;
    }

    /** The locked target. */
    public String target() {
        return target;
    }

    /** Who holds the lock, when the lock records it. */
    public Optional<LockHolder> holder() {
        return Optional.ofNullable(holder);
    }
}
