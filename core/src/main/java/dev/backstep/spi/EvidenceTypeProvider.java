package dev.backstep.spi;

import dev.backstep.Evidence;
import java.util.Map;
import java.util.function.Function;

/**
 * Contributes {@link Evidence.Custom} kinds: for each {@link Evidence.Custom#type()} id an adapter
 * ships, how to rebuild an item from its {@link Evidence.Custom#values()}, so that
 * {@code runner.rollback(runId)} and {@code runner.recover()} capture it in a process that does
 * not hold the plan. Discovered with {@link java.util.ServiceLoader}: list implementations in
 * {@code META-INF/services/dev.backstep.spi.EvidenceTypeProvider}.
 *
 * <pre>{@code
 * public final class DbEvidenceTypes implements EvidenceTypeProvider {
 *     public Map<String, Function<Map<String, String>, Evidence.Custom>> evidenceTypes() {
 *         return Map.of("db.dump", DbEvidence::fromValues);
 *     }
 * }
 * }</pre>
 */
public interface EvidenceTypeProvider {

    /** Type id → rebuilds an item from its values; may throw a {@code BackstepException} on bad values. */
    Map<String, Function<Map<String, String>, Evidence.Custom>> evidenceTypes();
}
