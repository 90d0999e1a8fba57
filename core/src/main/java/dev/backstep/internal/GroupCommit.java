package dev.backstep.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Group commit for one append-only file: appenders write under their own lock, tell
 * {@link #wrote} where their bytes end, release the lock and call {@link #awaitDurable}. One of
 * the waiting appenders runs {@code force(true)}, which makes everything written before it started
 * durable, and wakes every appender whose bytes it covered; appenders that wrote while it ran wait
 * for the next force. A lone appender pays exactly one force per append, as before; appenders of a
 * parallel group share them. Thread-safe.
 *
 * <p>After a failed force every later {@link #awaitDurable} fails too: what was written is in an
 * unknown state, and the owner must stop appending to the file.
 */
final class GroupCommit {
    private final FileChannel channel;
    /** End of the highest completed write. */
    private long written;
    /** Everything before this offset is durable. */
    private long durable;
    private boolean forcing;
    private long forces;
    private IOException failure;

    GroupCommit(FileChannel channel, long durableUpTo) {
        this.channel = channel;
        this.written = durableUpTo;
        this.durable = durableUpTo;
    }

    /** How many forces this file has had. */
    synchronized long forces() {
        return forces;
    }

    /** A write ending at {@code end} has completed (its bytes are in the file, not yet durable). */
    synchronized void wrote(long end) {
        if (end > written) {
            written = end;
        }
    }

    /**
     * Returns once every byte before {@code end} is durable, forcing the file itself unless a force
     * that covers {@code end} is already running. Not interruptible: a caller must not be told its
     * record is durable, nor be given up on, before the force says so (the interrupt is kept).
     *
     * @throws IOException when the force covering {@code end} (or an earlier one) failed
     */
    void awaitDurable(long end) throws IOException {
        long target;
        boolean interrupted = false;
        try {
            synchronized (this) {
                while (true) {
                    if (failure != null) {
                        throw new IOException("an earlier force of this file failed: " + failure, failure);
                    }
                    if (durable >= end) {
                        return;
                    }
                    if (!forcing) {
                        break;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                forcing = true;
                target = written;
            }
            IOException error = null;
            try {
                channel.force(true);
            } catch (IOException e) {
                error = e;
            }
            synchronized (this) {
                forcing = false;
                forces++;
                if (error != null) {
                    failure = error;
                } else if (target > durable) {
                    durable = target;
                }
                notifyAll();
            }
            if (error != null) {
                throw error;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
