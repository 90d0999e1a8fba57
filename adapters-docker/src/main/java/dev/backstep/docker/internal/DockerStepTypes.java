package dev.backstep.docker.internal;

import dev.backstep.Compensation;
import dev.backstep.docker.Compose;
import dev.backstep.spi.StepTypeProvider;
import java.util.Map;

/** Registers the Compose step types ({@code docker.compose.up}, ...) with the StepRegistry. */
public final class DockerStepTypes implements StepTypeProvider {

    @Override
    public Map<String, Compensation> compensations() {
        return Compose.compensations();
    }
}
