package dev.backstep.spi;

import dev.backstep.Compensation;
import dev.backstep.Step;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Finds the compensation of a journaled step by its {@link Step#type() type id}, so that a run can
 * be rolled back or recovered by a process that does not hold the original {@code Plan}.
 *
 * <pre>{@code
 * StepRegistry registry = StepRegistry.discover();          // every adapter on the class path
 * StepRegistry custom = StepRegistry.custom().from(registry)
 *     .register("acme.cache-flush", ctx -> flush(ctx.recorded("cache").orElseThrow()))
 *     .build();
 * Backstep.runner().registry(custom).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class StepRegistry {
    private final Map<String, Compensation> compensations;

    private StepRegistry(Map<String, Compensation> compensations) {
        this.compensations = Map.copyOf(compensations);
    }

    /** Every {@link StepTypeProvider} found by {@link ServiceLoader} on the class path. */
    public static StepRegistry discover() {
        Builder b = custom();
        for (StepTypeProvider p : ServiceLoader.load(StepTypeProvider.class, StepRegistry.class.getClassLoader())) {
            b.registerAll(p.compensations());
        }
        return b.build();
    }

    /** An empty registry. */
    public static StepRegistry empty() {
        return new StepRegistry(Map.of());
    }

    public static Builder custom() {
        return new Builder();
    }

    public Optional<Compensation> compensation(String type) {
        return Optional.ofNullable(compensations.get(type));
    }

    public Set<String> types() {
        return compensations.keySet();
    }

    /** Builder of registries. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Compensation> map = new LinkedHashMap<>();

        private Builder() {
        }

        /** Starts from every type of {@code base}. */
        public Builder from(StepRegistry base) {
            map.putAll(base.compensations);
            return this;
        }

        /**
         * @throws dev.backstep.PlanDefinitionException when the type is null, blank or
         *     {@link Step#CUSTOM_TYPE}, the compensation null, or the type registered twice with
         *     another compensation
         */
        public Builder register(String type, Compensation compensation) {
            if (type == null || type.isBlank() || Step.CUSTOM_TYPE.equals(type)) {
                throw new dev.backstep.PlanDefinitionException(null, null, "step type "
                        + (type == null ? null : "'" + type + "'") + " cannot be registered");
            }
            dev.backstep.PlanDefinitionException.requireNonNull(compensation, null,
                    "the compensation of step type '" + type + "'");
            Compensation old = map.putIfAbsent(type, compensation);
            if (old != null && old != compensation) {
                throw new dev.backstep.PlanDefinitionException(null, null, "step type '" + type
                        + "' is registered twice");
            }
            return this;
        }

        public Builder registerAll(Map<String, Compensation> all) {
            all.forEach(this::register);
            return this;
        }

        public StepRegistry build() {
            return new StepRegistry(map);
        }
    }
}
