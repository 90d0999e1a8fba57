package dev.backstep.docker.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a service's container was: whether there was one, its id, the image id it runs, the image
 * reference it was created from, Compose's config hash, its status ({@code running},
 * {@code exited}, ...) and health ({@code healthy}, ... or empty without a healthcheck).
 */
public record ServiceState(String service, boolean exists, String container, String imageId, String imageRef,
                           String configHash, String status, String health) {

    public static ServiceState absent(String service) {
        return new ServiceState(service, false, "", "", "", "", "absent", "");
    }

    public boolean running() {
        return status.equals("running") || status.equals("restarting");
    }

    public String encode() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("exists", Boolean.toString(exists));
        m.put("container", container);
        m.put("image-id", imageId);
        m.put("image", imageRef);
        m.put("config-hash", configHash);
        m.put("status", status);
        m.put("health", health);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        return sb.toString();
    }

    public static ServiceState decode(String service, String encoded) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : encoded.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return new ServiceState(service, Boolean.parseBoolean(m.getOrDefault("exists", "false")),
                m.getOrDefault("container", ""), m.getOrDefault("image-id", ""), m.getOrDefault("image", ""),
                m.getOrDefault("config-hash", ""), m.getOrDefault("status", "absent"), m.getOrDefault("health", ""));
    }

    /** {@code app:1.0 (sha256:6517b3b66463) running}, for people. */
    public String brief() {
        if (!exists) {
            return "no container";
        }
        String id = imageId.startsWith("sha256:") && imageId.length() > 19 ? imageId.substring(0, 19) : imageId;
        return imageRef + " (" + id + ") " + status + (health.isEmpty() ? "" : ", " + health);
    }
}
