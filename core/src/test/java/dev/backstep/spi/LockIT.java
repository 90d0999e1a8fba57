package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.LockUnavailableException;
import dev.backstep.RunId;
import dev.backstep.internal.FileLock;
import dev.backstep.internal.Hosts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockIT {
    private static final String TARGET = "shop@prod:/srv/shop";
    private static final RunId FIRST = RunId.of("20261122-014500-aaaaaa");
    private static final RunId SECOND = RunId.of("20261122-014600-bbbbbb");
    private static final RunId CHILD = RunId.of("20261122-014400-cccccc");

    @TempDir
    Path tmp;

    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void secondAcquisitionFailsAtOnceNamingTheHolder() {
        Lock lock = Lock.file(tmp);
        Lock otherRunner = Lock.file(tmp);
        try (Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO)) {
            assertThat(held.holder().runId()).isEqualTo(FIRST);
            assertThat(held.tookOverFrom()).isEmpty();

            assertThatThrownBy(() -> otherRunner.acquire(TARGET, SECOND, Duration.ZERO))
                    .isInstanceOfSatisfying(LockUnavailableException.class, e -> {
                        assertThat(e.target()).isEqualTo(TARGET);
                        assertThat(e.holder()).contains(held.holder());
                    })
                    .hasMessageContainingAll("'" + TARGET + "'", "run " + FIRST, "host " + Hosts.localName(),
                            "pid " + ProcessHandle.current().pid(), "since " + held.holder().since());

            assertThat(otherRunner.holder(TARGET)).contains(held.holder());
            assertThat(held.holder().isStale()).isFalse();
        }
        assertThat(otherRunner.holder(TARGET)).isEmpty();
        try (Lock.Handle again = otherRunner.acquire(TARGET, SECOND, Duration.ZERO)) {
            assertThat(again.holder().runId()).isEqualTo(SECOND);
        }
    }

    @Test
    void givesUpAfterWaitingWhenTheHolderKeepsTheLock() {
        Lock lock = Lock.file(tmp);
        try (Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO)) {
            assertThatThrownBy(() -> lock.acquire(TARGET, SECOND, Duration.ofMillis(300)))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContainingAll("run " + FIRST, "waited PT0.3S");
            assertThat(lock.holder(TARGET)).contains(held.holder());
        }
    }

    @Test
    void waitsAndAcquiresOnceTheHolderReleases() throws Exception {
        Lock lock = Lock.file(tmp);
        Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Lock.Handle> second = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return Lock.file(tmp).acquire(TARGET, SECOND, Duration.ofSeconds(60));
        });
        assertThat(waiting.await(1, TimeUnit.MINUTES)).isTrue();
        Thread.sleep(200); // let the second runner poll at least once (not an assertion)
        assertThat(second).isNotDone();
        held.close();
        try (Lock.Handle acquired = second.get(60, TimeUnit.SECONDS)) {
            assertThat(acquired.holder().runId()).isEqualTo(SECOND);
            assertThat(lock.holder(TARGET)).contains(acquired.holder());
        }
    }

    @Test
    void excludesALockHeldByAnotherProcessAndTakesOverOnceItIsKilled() throws Exception {
        child = startHolder(tmp, TARGET, CHILD);
        long childPid = child.pid();
        Lock lock = Lock.file(tmp);

        assertThatThrownBy(() -> lock.acquire(TARGET, FIRST, Duration.ZERO))
                .isInstanceOfSatisfying(LockUnavailableException.class, e -> {
                    LockHolder h = e.holder().orElseThrow();
                    assertThat(h.pid()).isEqualTo(childPid);
                    assertThat(h.runId()).isEqualTo(CHILD);
                    assertThat(h.host()).isEqualTo(Hosts.localName());
                    assertThat(h.isStale()).isFalse();
                })
                .hasMessageContainingAll("run " + CHILD, "pid " + childPid);
        assertThat(lock.holder(TARGET)).hasValueSatisfying(h -> {
            assertThat(h.pid()).isEqualTo(childPid);
            assertThat(h.isStale()).isFalse();
        });
        assertThatThrownBy(() -> lock.breakLock(TARGET))
                .isInstanceOf(LockUnavailableException.class)
                .hasMessageContainingAll("held by a live process", "pid " + childPid, "stop that process first");

        child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);

        LockHolder stale = lock.holder(TARGET).orElseThrow();
        assertThat(stale.pid()).isEqualTo(childPid);
        assertThat(stale.runId()).isEqualTo(CHILD);
        assertThat(stale.isStale()).isTrue();

        try (Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO)) {
            assertThat(held.tookOverFrom()).contains(stale);
            assertThat(held.holder().pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(lock.holder(TARGET)).contains(held.holder());
        }
        assertThat(lock.holder(TARGET)).isEmpty();
    }

    @Test
    void breaksAStaleLockDeliberately() throws Exception {
        child = startHolder(tmp, TARGET, CHILD);
        Lock lock = Lock.file(tmp);
        child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        assertThat(lock.holder(TARGET)).hasValueSatisfying(h -> assertThat(h.isStale()).isTrue());

        assertThat(lock.breakLock(TARGET)).isTrue();

        assertThat(lock.holder(TARGET)).isEmpty();
        assertThat(lock.breakLock(TARGET)).isFalse();
        try (Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO)) {
            assertThat(held.tookOverFrom()).isEmpty();
        }
        assertThat(lock.breakLock("never-locked")).isFalse();
    }

    @Test
    void neverBreaksALockHeldInThisProcess() {
        Lock lock = Lock.file(tmp);
        try (Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO)) {
            assertThatThrownBy(() -> Lock.file(tmp).breakLock(TARGET))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContainingAll("run " + FIRST, "in this process");
            assertThat(lock.holder(TARGET)).contains(held.holder());
        }
    }

    @Test
    void storesLocksOwnerOnlyAndTheHolderAsJson() throws IOException {
        Path dir = tmp.resolve("state");
        Lock lock = Lock.file(dir);
        Path file = ((FileLock) lock).fileOf(TARGET);
        try (Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO)) {
            assertThat(file.getParent()).isEqualTo(dir.resolve("locks").toRealPath());
            assertThat(file.getFileName().toString()).matches("shop_prod__srv_shop\\.[0-9a-f]{8}\\.lock");
            assertThat(mode(file)).isEqualTo("rw-------");
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(mode(dir.resolve("locks"))).isEqualTo("rwx------");
            assertThat(Files.size(file)).isPositive();
            assertThat(held.holder().target()).isEqualTo(TARGET);
        }
        // released: the file stays (never deleted), empty
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void leavesTheHolderInTheLockFileWhenTheHolderDies() throws Exception {
        child = startHolder(tmp, TARGET, CHILD);
        child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        Path file = ((FileLock) Lock.file(tmp)).fileOf(TARGET);
        String json = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"target\":\"" + TARGET + "\",\"host\":")
                .contains("\"pid\":" + child.pid(), "\"runId\":\"" + CHILD + "\"", "\"since\":\"");
    }

    @Test
    void targetsThatLookAlikeDoNotShareALock() {
        Lock lock = Lock.file(tmp);
        try (Lock.Handle a = lock.acquire("a/b", FIRST, Duration.ZERO);
             Lock.Handle b = lock.acquire("a_b", SECOND, Duration.ZERO);
             Lock.Handle c = lock.acquire("A/B", SECOND, Duration.ZERO)) {
            assertThat(List.of(a.holder().target(), b.holder().target(), c.holder().target()))
                    .containsExactly("a/b", "a_b", "A/B");
        }
    }

    @Test
    void rejectsBadTargetsAndWaitsBeforeTouchingAnything() throws IOException {
        Lock lock = Lock.file(tmp);
        assertThatThrownBy(() -> lock.acquire(" ", FIRST, Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessage("lock target must not be blank");
        assertThatThrownBy(() -> lock.acquire("a\nb", FIRST, Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must not contain control characters");
        assertThatThrownBy(() -> lock.acquire("x".repeat(513), FIRST, Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessageContaining("too long");
        assertThatThrownBy(() -> lock.acquire(TARGET, FIRST, Duration.ofSeconds(-1)))
                .isInstanceOf(BackstepException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> lock.holder(""))
                .isInstanceOf(BackstepException.class).hasMessage("lock target must not be blank");
        assertThatThrownBy(() -> Lock.none().acquire("", FIRST, Duration.ZERO))
                .isInstanceOf(BackstepException.class).hasMessage("lock target must not be blank");
        try (var files = Files.list(tmp.resolve("locks"))) {
            assertThat(files).isEmpty();
        }
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> Lock.file(notADir))
                .isInstanceOf(BackstepException.class).hasMessageContaining("is not a directory");
    }

    @Test
    void excludesManyThreadsAndRunnersOfOneProcessFromEachOther() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    Lock lock = Lock.file(tmp); // one runner per thread, as separate runners would
                    for (int i = 0; i < 10; i++) {
                        RunId id = RunId.of("run-" + thread + "-" + i);
                        try (Lock.Handle held = lock.acquire(TARGET, id, Duration.ofSeconds(120))) {
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            assertThat(lock.holder(TARGET)).contains(held.holder());
                            runs.incrementAndGet();
                            inside.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(runs).hasValue(60);
        assertThat(maxInside).hasValue(1);
        assertThat(Lock.file(tmp).holder(TARGET)).isEmpty();
    }

    @Test
    void noLockLetsEveryoneIn() {
        Lock none = Lock.none();
        try (Lock.Handle a = none.acquire(TARGET, FIRST, Duration.ZERO);
             Lock.Handle b = none.acquire(TARGET, SECOND, Duration.ZERO)) {
            assertThat(a.holder().runId()).isEqualTo(FIRST);
            assertThat(b.holder().runId()).isEqualTo(SECOND);
            assertThat(none.holder(TARGET)).isEmpty();
            assertThat(none.breakLock(TARGET)).isFalse();
        }
    }

    @Test
    void closingAHandleTwiceIsHarmless() {
        Lock lock = Lock.file(tmp);
        Lock.Handle held = lock.acquire(TARGET, FIRST, Duration.ZERO);
        held.close();
        Lock.Handle next = lock.acquire(TARGET, SECOND, Duration.ZERO);
        held.close(); // must not release the next holder's lock
        assertThat(lock.holder(TARGET)).contains(next.holder());
        assertThatThrownBy(() -> lock.acquire(TARGET, FIRST, Duration.ZERO)).isInstanceOf(LockUnavailableException.class);
        next.close();
    }

    /** Starts a JVM that holds the lock, and returns once it does. */
    static Process startHolder(Path dir, String target, RunId runId) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), dir.toString(), target, runId.value())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("child output").isEqualTo("LOCKED " + p.pid());
        return p;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
