package dev.backstep.examples.runbooks;

import dev.backstep.Compensation;
import dev.backstep.spi.StepTypeProvider;
import java.util.Map;

/** Registers runbook 002's service step types with the StepRegistry, for rollbacks from the journal. */
public final class Runbook002StepTypes implements StepTypeProvider {

    @Override
    public Map<String, Compensation> compensations() {
        return Runbook002.compensations();
    }
}
