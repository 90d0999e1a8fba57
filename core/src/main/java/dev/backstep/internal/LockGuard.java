package dev.backstep.internal;

import dev.backstep.LockLostException;
import dev.backstep.RunResult;
import dev.backstep.spi.Lock;
import java.util.Optional;

/**
 * Asks a run's lock, before each step and compensation, whether it is still held. Once lost, it
 * stays lost: the run ends {@code INTERRUPTED} and {@code recover()} finishes it.
 */
final class LockGuard {
    /** For runs without a lock to lose (validation, rehearsal internals). */
    static final LockGuard NONE = new LockGuard(null);
    private final Lock.Handle held;
    private volatile LockLostException lost;

    LockGuard(Lock.Handle held) {
        this.held = held;
    }

    /** The loss, when the lock is no longer held; noticed {@code when} (e.g. "before step 'x'"). */
    Optional<LockLostException> lost(String when) {
        if (lost == null && held != null && !held.isHeld()) {
            lost = new LockLostException(held.holder(), when);
        }
        return Optional.ofNullable(lost);
    }

    /** Whether {@code result} ended because its lock was lost (and not because its thread was interrupted). */
    static boolean lostLock(RunResult result) {
        return result.failure().map(f -> f.getCause() instanceof LockLostException
                || java.util.Arrays.stream(f.getSuppressed()).anyMatch(LockLostException.class::isInstance))
                .orElse(false);
    }
}
