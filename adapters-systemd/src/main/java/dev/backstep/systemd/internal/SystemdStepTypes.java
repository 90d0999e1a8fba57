package dev.backstep.systemd.internal;

import dev.backstep.Compensation;
import dev.backstep.spi.StepTypeProvider;
import dev.backstep.systemd.Systemd;
import java.util.Map;

/** Registers the systemd step types ({@code systemd.start}, {@code systemd.stop}, ...) with the StepRegistry. */
public final class SystemdStepTypes implements StepTypeProvider {

    @Override
    public Map<String, Compensation> compensations() {
        return Systemd.compensations();
    }
}
