package dev.backstep.spi;

import dev.backstep.RunId;
import dev.backstep.internal.FileLock;
import dev.backstep.internal.NoLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One run per target at a time. A runner acquires the lock of its plan's target before the
 * first step and releases it when the run has finished (or been rolled back); a second runner
 * on the same target gets {@link dev.backstep.LockUnavailableException} naming the holder, at
 * once or after waiting.
 *
 * <p>Implementations are thread-safe and exclude each other across threads of one JVM as well
 * as across processes.
 *
 * <pre>{@code
 * Lock lock = Lock.file(stateDir);
 * try (Lock.Handle held = lock.acquire("shop@prod", runId, Duration.ofSeconds(30))) {
 *     // deploy
 * }
 * }</pre>
 */
public interface Lock {

    /**
     * Takes the lock on {@code target} for {@code runId}, polling up to {@code wait} while
     * another run holds it.
     *
     * @throws dev.backstep.LockUnavailableException when still held after {@code wait}
     * @throws dev.backstep.BackstepException when {@code target} is blank or contains control
     *     characters, {@code wait} is negative, or the lock cannot be stored
     */
    Handle acquire(String target, RunId runId, Duration wait);

    /**
     * Who holds the lock on {@code target}, or the holder a dead process left behind (then
     * {@link LockHolder#isStale()} is true for holders on this host); empty when free.
     */
    Optional<LockHolder> holder(String target);

    /**
     * Deliberately clears a lock left behind by a process that no longer holds it (a stale
     * lock). Returns whether there was such a lock to clear.
     *
     * @throws dev.backstep.LockUnavailableException when a live process holds the lock: stop it
     *     first, a live lock is never broken
     */
    boolean breakLock(String target);

    /**
     * File locks under {@code dir/locks}: one 0600 lock file per target holding the holder as
     * JSON, guarded by an OS file lock. The OS lock is the truth: it is released when the holding
     * process dies, so a lock left behind by a dead process is taken over by the next
     * {@link #acquire} (logged as a warning and reported by {@link Handle#tookOverFrom()}).
     * Works across processes on one host; do not rely on it across hosts sharing a network file
     * system.
     */
    static Lock file(Path dir) {
        return new FileLock(dir);
    }

    /** No locking at all: for tests and targets that cannot conflict. */
    static Lock none() {
        return NoLock.INSTANCE;
    }

    /** A held lock; {@link #close()} releases it (idempotent). */
    interface Handle extends AutoCloseable {

        /** This process's hold on the lock. */
        LockHolder holder();

        /** The stale holder this acquisition replaced, when a dead process had left the lock behind. */
        Optional<LockHolder> tookOverFrom();

        /**
         * Whether this process still holds the lock: false once it is lost (its row deleted or
         * taken over by another holder, its lock file removed or replaced) or released. The runner
         * asks before every step and every compensation, and ends the run
         * {@code INTERRUPTED} with a {@link dev.backstep.LockLostException} when the answer is no.
         * The default, for locks that cannot be lost, is true.
         *
         * <pre>{@code
         * if (!held.isHeld()) {
         *     throw new LockLostException(held.holder(), "before step 'migrate'");
         * }
         * }</pre>
         */
        default boolean isHeld() {
            return true;
        }

        /** Releases the lock. */
        @Override
        void close();
    }
}
