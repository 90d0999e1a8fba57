package dev.backstep.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The name of this host, as lock holders record it. Read once: from the kernel on Linux (no DNS
 * lookup), else {@code HOSTNAME}/{@code COMPUTERNAME}, else the resolver.
 *
 * <pre>{@code
 * String host = Hosts.localName();
 * }</pre>
 */
public final class Hosts {
    private static final String NAME = lookup();

    private Hosts() {
    }

    /** This host's name; never null or blank. */
    public static String localName() {
        return NAME;
    }

    private static String lookup() {
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
