package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.RunId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocksTest {
    private static final RunId RUN = RunId.of("20261122-014500-aaaaaa");
    private static final Duration TTL = Duration.ofSeconds(60);

    @Test
    void aLiveLocalHolderIsStaleOnlyOnceItsHeartbeatIsOlderThanTheTtl() {
        LockHolder me = new LockHolder("shop", Locks.localHost(), ProcessHandle.current().pid(), RUN, Instant.now());

        assertThat(Locks.isStale(me, 1_000_000, 1_000_000 + TTL.toMillis(), TTL)).isFalse();
        assertThat(Locks.isStale(me, 1_000_000, 1_000_001 + TTL.toMillis(), TTL)).isTrue();
    }

    @Test
    void aHolderWhoseProcessOnThisHostIsGoneIsStaleWhateverItsHeartbeat() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        LockHolder dead = new LockHolder("shop", Locks.localHost(), p.pid(), RUN, Instant.now());
        LockHolder elsewhere = new LockHolder("shop", "other-" + Locks.localHost(), p.pid(), RUN, Instant.now());

        assertThat(Locks.isStale(dead, 5_000, 5_000, TTL)).isTrue();
        assertThat(Locks.isStale(elsewhere, 5_000, 5_000, TTL)).isFalse();
    }

    @Test
    void targetsAndWaitsAreCheckedTheSameWayForEveryLock() {
        Locks.validate("shop@prod", Duration.ZERO);
        Locks.validate("x".repeat(Locks.MAX_TARGET_CHARS), Duration.ofSeconds(1));

        assertThatThrownBy(() -> Locks.validate(" ", Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> Locks.validate("x".repeat(Locks.MAX_TARGET_CHARS + 1), Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("too long (513 characters, at most 512)");
        assertThatThrownBy(() -> Locks.validate("shop\nprod", Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("control characters (at index 4)");
        assertThatThrownBy(() -> Locks.validate("shop", Duration.ofMillis(-1)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must not be negative");
    }

    @Test
    void theLocalHostNameIsTheKernelsOnLinux() throws Exception {
        assertThat(Locks.localHost())
                .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim())
                .isNotBlank();
    }
}
