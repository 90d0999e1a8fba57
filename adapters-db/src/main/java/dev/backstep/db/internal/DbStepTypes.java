package dev.backstep.db.internal;

import dev.backstep.Compensation;
import dev.backstep.db.Db;
import dev.backstep.spi.StepTypeProvider;
import java.util.Map;

/** Registers {@code db.snapshot}, {@code db.restore} and {@code db.sql} with the step registry. */
public final class DbStepTypes implements StepTypeProvider {

    @Override
    public Map<String, Compensation> compensations() {
        return Db.compensations();
    }
}
