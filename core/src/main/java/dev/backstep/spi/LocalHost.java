package dev.backstep.spi;

import dev.backstep.internal.Hosts;

/**
 * The name of this host, as runs and lock holders record it by default: read from the kernel on
 * Linux (no DNS lookup), else {@code HOSTNAME}/{@code COMPUTERNAME}, else the resolver. For
 * adapters that record or compare hosts (a JDBC lock, host affinity of runs).
 *
 * <pre>{@code
 * boolean mine = holder.host().equals(LocalHost.name());
 * }</pre>
 */
public final class LocalHost {
    private LocalHost() {
    }

    /** This host's name; never null or blank. */
    public static String name() {
        return Hosts.localName();
    }
}
