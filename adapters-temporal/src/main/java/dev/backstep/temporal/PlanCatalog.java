package dev.backstep.temporal;

import dev.backstep.Plan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The plans a worker can run, by name. Plans hold code (lambdas, step objects), so a workflow
 * carries only a {@link PlanRef} and each host's worker builds the plan from its catalog. Every
 * worker of a fleet registers the same catalog. A factory must build the same plan for the same
 * reference every time (it is called again for retries and rollbacks) and must change nothing.
 *
 * <pre>{@code
 * PlanCatalog catalog = PlanCatalog.builder()
 *     .plan("deploy-web", (host, params) -> Plan.named("deploy web " + params.get("version"))
 *         .target(host)
 *         .step(ConfigFile.replace(Path.of("/etc/web/app.conf"), "version=" + params.get("version")))
 *         .build())
 *     .build();
 * }</pre>
 */
public final class PlanCatalog {

    /** Builds the plan of a reference on the host's worker. */
    @FunctionalInterface
    public interface PlanFactory {
        /**
         * @param host the host the plan runs on
         * @param params the reference's parameters
         */
        Plan create(String host, Map<String, String> params) throws Exception;
    }

    private final Map<String, PlanFactory> plans;

    private PlanCatalog(Map<String, PlanFactory> plans) {
        this.plans = Map.copyOf(plans);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The names of the plans. */
    public Set<String> names() {
        return plans.keySet();
    }

    /**
     * Builds the plan a reference names.
     *
     * @throws TemporalConfigException when the catalog has no plan of that name or the factory
     *     fails
     */
    public Plan resolve(PlanRef ref) {
        PlanFactory f = plans.get(ref.plan());
        if (f == null) {
            throw new TemporalConfigException("no plan '" + ref.plan() + "' in the catalog (known: "
                    + plans.keySet().stream().sorted().toList() + ")");
        }
        Plan p;
        try {
            p = f.create(ref.host(), ref.params());
        } catch (TemporalConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new TemporalConfigException("plan '" + ref.plan() + "' for host '" + ref.host()
                    + "' could not be built: " + e);
        }
        if (p == null) {
            throw new TemporalConfigException("plan factory '" + ref.plan() + "' returned null");
        }
        return p;
    }

    /** Builder of a catalog. Not thread-safe. */
    public static final class Builder {
        private final Map<String, PlanFactory> plans = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a plan.
         *
         * @throws TemporalConfigException for a blank or duplicate name
         */
        public Builder plan(String name, PlanFactory factory) {
            if (name == null || name.isBlank()) {
                throw new TemporalConfigException("a catalog plan needs a non-blank name");
            }
            TemporalConfigException.requireNonNull(factory, "the factory of plan '" + name + "'");
            if (plans.putIfAbsent(name, factory) != null) {
                throw new TemporalConfigException("plan '" + name + "' is already in the catalog");
            }
            return this;
        }

        public PlanCatalog build() {
            return new PlanCatalog(plans);
        }
    }
}
