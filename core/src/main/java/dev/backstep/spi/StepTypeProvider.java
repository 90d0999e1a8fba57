package dev.backstep.spi;

import dev.backstep.Compensation;
import java.util.Map;

/**
 * Contributes step types to the {@link StepRegistry}: for each {@link dev.backstep.Step#type()} id
 * an adapter ships, the stateless {@link Compensation} that undoes such a step from its recorded
 * values alone. Discovered with {@link java.util.ServiceLoader}: list implementations in
 * {@code META-INF/services/dev.backstep.spi.StepTypeProvider}.
 *
 * <pre>{@code
 * public final class GitStepTypes implements StepTypeProvider {
 *     public Map<String, Compensation> compensations() { return Git.compensations(); }
 * }
 * }</pre>
 */
public interface StepTypeProvider {

    /** Type id → compensation. Ids are namespaced by adapter ({@code "git.checkout"}). */
    Map<String, Compensation> compensations();
}
