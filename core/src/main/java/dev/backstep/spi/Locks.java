package dev.backstep.spi;

import dev.backstep.BackstepException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The rules every {@link Lock} shares, for adapters that store locks elsewhere (a database, a
 * coordination service): which target names are valid, how this host names itself in a
 * {@link LockHolder}, and when a lock kept alive by a heartbeat is stale. Core's file lock follows
 * the same rules, so a target accepted by one lock is accepted by every other.
 *
 * <pre>{@code
 * Locks.validate(target, wait);                                     // before touching storage
 * LockHolder me = new LockHolder(target, Locks.localHost(), ProcessHandle.current().pid(), runId, now);
 * boolean stale = Locks.isStale(row.holder(), row.heartbeatMillis(), clock.millis(), ttl);
 * }</pre>
 */
public final class Locks {
    /** The longest lock target, in characters. */
    public static final int MAX_TARGET_CHARS = 512;
    private static final String LOCAL_HOST = lookupHost();

    private Locks() {
    }

    /**
     * The name of this host, as lock holders record it. Read once: from the kernel on Linux (no
     * DNS lookup), else {@code HOSTNAME}/{@code COMPUTERNAME}, else the resolver; never null or
     * blank.
     */
    public static String localHost() {
        return LOCAL_HOST;
    }

    /**
     * Checks a lock target and wait before anything is stored: the target must not be blank,
     * longer than {@value #MAX_TARGET_CHARS} characters or contain control characters, the wait
     * must not be negative.
     *
     * @throws NullPointerException when {@code target} or {@code wait} is null
     * @throws BackstepException naming what is wrong
     */
    public static void validate(String target, Duration wait) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(wait, "wait");
        if (target.isBlank()) {
            throw new BackstepException("lock target must not be blank");
        }
        if (target.length() > MAX_TARGET_CHARS) {
            throw new BackstepException("lock target is too long (" + target.length() + " characters, at most "
                    + MAX_TARGET_CHARS + ")");
        }
        for (int i = 0; i < target.length(); i++) {
            if (Character.isISOControl(target.charAt(i))) {
                throw new BackstepException("lock target must not contain control characters (at index " + i + ")");
            }
        }
        if (wait.isNegative()) {
            throw new BackstepException("lock wait must not be negative, was " + wait);
        }
    }

    /**
     * Whether a lock refreshed by a heartbeat is stale: its last heartbeat is more than {@code ttl}
     * older than {@code nowMillis} (its holder died, hangs or lost the storage), or its holder ran on
     * this host and that process is gone ({@link LockHolder#isStale()}).
     *
     * @param holder the recorded holder
     * @param lastHeartbeatMillis the holder's last heartbeat, epoch milliseconds
     * @param nowMillis the current time, epoch milliseconds, on the same clock
     * @param ttl how long a lock lives without a heartbeat
     */
    public static boolean isStale(LockHolder holder, long lastHeartbeatMillis, long nowMillis, Duration ttl) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
        return nowMillis - lastHeartbeatMillis > ttl.toMillis() || holder.isStale();
    }

    private static String lookupHost() {
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | SecurityException | UnsupportedOperationException notLinux) {
            // fall through
        }
        for (String var : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | SecurityException e) {
            return "localhost";
        }
    }
}
