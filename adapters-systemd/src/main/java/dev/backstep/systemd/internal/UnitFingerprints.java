package dev.backstep.systemd.internal;

import dev.backstep.Fingerprint;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.Systemctl;
import dev.backstep.systemd.SystemdException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only fingerprint of a unit, resource {@code systemd:<unit>} (plus {@code  via <systemctl>}
 * for another manager): LoadState, ActiveState, UnitFileState and the sha256 of the unit file with
 * its drop-ins as {@code systemctl cat} prints them. The main PID is not state a rollback restores
 * (a restart changes it) and is left out.
 */
public final class UnitFingerprints {
    private UnitFingerprints() {
    }

    public static Fingerprint of(ServiceManager m, Systemctl systemctl, String unit) {
        Map<String, String> props = m.show(unit, "LoadState", "ActiveState", "UnitFileState");
        Map<String, String> facts = new TreeMap<>();
        for (String p : new String[] {"LoadState", "ActiveState", "UnitFileState"}) {
            String v = props.getOrDefault(p, "");
            facts.put(p, v.isEmpty() ? "(none)" : v);
        }
        String files;
        if ("not-found".equals(props.get("LoadState"))) {
            files = "(none)";
        } else {
            try {
                files = "sha256 " + sha256(m.cat(unit));
            } catch (SystemdException e) {
                files = "(none)";
            }
        }
        facts.put("unit files", files);
        return new Fingerprint(resource(systemctl, unit), facts);
    }

    public static String resource(Systemctl systemctl, String unit) {
        return "systemd:" + unit + (systemctl.equals(Systemctl.system()) ? "" : " via " + systemctl);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
