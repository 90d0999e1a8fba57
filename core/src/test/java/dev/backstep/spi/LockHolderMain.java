package dev.backstep.spi;

import dev.backstep.RunId;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child-process helper for {@link LockIT}: takes a file lock and keeps it until killed or until
 * its stdin closes (so it never outlives the test JVM). Prints {@code LOCKED <pid>} once held.
 */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Lock lock = Lock.file(Path.of(args[0]));
        try (Lock.Handle held = lock.acquire(args[1], RunId.of(args[2]), Duration.ZERO)) {
            System.out.println("LOCKED " + held.holder().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent goes away or kills us
            }
        }
    }
}
