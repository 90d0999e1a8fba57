package dev.backstep.systemd;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The systemd adapter's {@link SystemdContainer} (a real systemd booted under systemd-nspawn, from
 * its test jar) for the examples, which live in another package: it stays package-private there.
 */
public final class Runbook002Systemd implements BeforeAllCallback, AfterAllCallback {
    private final SystemdContainer box = new SystemdContainer();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        box.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        box.afterAll(context);
    }

    /** The container's systemd, through its own systemctl ({@code nsenter -t <pid 1> -a systemctl}). */
    public Systemctl systemctl() {
        return box.systemctl();
    }

    /** The container's {@code /etc/systemd/system}, as seen from the host. */
    public Path unitDir() {
        return box.unitDir();
    }
}
