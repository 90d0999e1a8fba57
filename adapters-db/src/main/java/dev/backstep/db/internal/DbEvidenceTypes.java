package dev.backstep.db.internal;

import dev.backstep.Evidence;
import dev.backstep.db.DbEvidence;
import dev.backstep.spi.EvidenceTypeProvider;
import java.util.Map;
import java.util.function.Function;

/** Registers {@link DbEvidence#TYPE} so that {@code rollback(runId)} and {@code recover()} can take the dump. */
public final class DbEvidenceTypes implements EvidenceTypeProvider {

    @Override
    public Map<String, Function<Map<String, String>, Evidence.Custom>> evidenceTypes() {
        return Map.of(DbEvidence.TYPE, DbEvidence::fromValues);
    }
}
