package dev.backstep.internal;

import dev.backstep.RunId;
import dev.backstep.spi.Lock;
import dev.backstep.spi.LockHolder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/** {@link Lock#none()}: every acquisition succeeds at once; nothing is ever held. */
public final class NoLock implements Lock {
    public static final NoLock INSTANCE = new NoLock();

    private NoLock() {
    }

    @Override
    public Handle acquire(String target, RunId runId, Duration wait) {
        FileLock.validate(target, wait);
        Objects.requireNonNull(runId, "runId");
        LockHolder me = new LockHolder(target, Hosts.localName(), ProcessHandle.current().pid(), runId,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return new Handle() {
            @Override
            public LockHolder holder() {
                return me;
            }

            @Override
            public Optional<LockHolder> tookOverFrom() {
                return Optional.empty();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public Optional<LockHolder> holder(String target) {
        FileLock.validate(target, Duration.ZERO);
        return Optional.empty();
    }

    @Override
    public boolean breakLock(String target) {
        FileLock.validate(target, Duration.ZERO);
        return false;
    }

    @Override
    public String toString() {
        return "Lock.none()";
    }
}
