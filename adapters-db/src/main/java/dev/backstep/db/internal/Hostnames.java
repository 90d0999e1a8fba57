package dev.backstep.db.internal;

import java.util.Locale;

/** Whether a database is this host's own (a file, a server on loopback) or shared over the network. */
public final class Hostnames {
    private Hostnames() {
    }

    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1") || h.startsWith("/"); // a Unix socket directory
    }

    /** True for a PostgreSQL or MariaDB/MySQL JDBC URL naming a host other than loopback. */
    public static boolean isRemoteJdbcUrl(String url) {
        if (url == null) {
            return false;
        }
        String u = url.toLowerCase(Locale.ROOT);
        if (!(u.startsWith("jdbc:postgresql://") || u.startsWith("jdbc:mariadb://") || u.startsWith("jdbc:mysql://"))) {
            return false;
        }
        String rest = url.substring(url.indexOf("//") + 2);
        int at = rest.indexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            rest = rest.substring(at + 1);
        }
        String host;
        if (rest.startsWith("[")) {
            host = rest.substring(0, Math.max(rest.indexOf(']') + 1, 1));
        } else {
            int end = rest.length();
            for (char c : new char[] {':', '/', ',', '?'}) {
                int i = rest.indexOf(c);
                if (i >= 0 && i < end) {
                    end = i;
                }
            }
            host = rest.substring(0, end);
        }
        return !isLoopback(host);
    }
}
