package dev.backstep.internal;

import dev.backstep.spi.Locks;

/**
 * The name of this host, as lock holders record it: {@link Locks#localHost()}.
 *
 * <pre>{@code
 * String host = Hosts.localName();
 * }</pre>
 */
public final class Hosts {

    private Hosts() {
    }

    /** This host's name; never null or blank. */
    public static String localName() {
        return Locks.localHost();
    }
}
