package dev.backstep.temporal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rolling deploy of one catalog plan to many hosts: a canary batch first, then batches of
 * {@code batchSize} hosts; after each batch an optional soak and a gate (a plan of verifications
 * from the catalog, run by the control worker). When a host's run or a gate fails, the rollout
 * stops and rolls back every host already deployed, newest first; hosts of later batches are
 * never touched. Immutable; travels as the rollout workflow's input.
 *
 * <pre>{@code
 * Rollout r = Rollout.of("deploy-web")
 *     .hosts(List.of("web-1", "web-2", "web-3", "web-4"))
 *     .param("version", "1.3.0")
 *     .canary(1)
 *     .batchSize(2)
 *     .maxUnavailable(1)
 *     .gate("fleet-health")            // gets params batch, hosts (this batch), deployed (so far)
 *     .soak(Duration.ofMinutes(10))    // a durable timer before each gate
 *     .build();
 * RolloutResult res = workflows.rollout("rollout-2026-12-03", r, Duration.ofHours(1));
 * }</pre>
 *
 * @param plan the catalog plan every host runs
 * @param hosts the hosts, in deploy order
 * @param params parameters of every host's plan (never secrets)
 * @param batchSize hosts per batch after the canary batch
 * @param canary hosts in the first batch, 0 for none
 * @param gate the catalog plan run after each batch on the control worker, or null
 * @param soakMillis how long to wait after each batch before its gate
 * @param maxUnavailable how many hosts of a batch deploy at the same time
 */
public record Rollout(String plan, List<String> hosts, Map<String, String> params, int batchSize, int canary,
                      String gate, long soakMillis, int maxUnavailable) {

    /**
     * @throws TemporalConfigException for no hosts, a duplicate or invalid host, a batch size or
     *     maxUnavailable below 1, a canary as large as the fleet, a negative soak, a blank gate
     */
    public Rollout {
        if (plan == null || plan.isBlank()) {
            throw new TemporalConfigException("a rollout needs a plan name, was " + (plan == null ? null : "'" + plan + "'"));
        }
        if (hosts == null || hosts.isEmpty()) {
            throw new TemporalConfigException(plan, "the rollout has no hosts, was " + hosts);
        }
        hosts = List.copyOf(hosts);
        if (new HashSet<>(hosts).size() != hosts.size()) {
            throw new TemporalConfigException(plan, "the rollout lists a host twice: " + hosts);
        }
        hosts.forEach(PlanRef::checkHost);
        if (hosts.contains(BackstepWorkers.CONTROL_HOST)) {
            throw new TemporalConfigException("'" + BackstepWorkers.CONTROL_HOST
                    + "' is the control worker, not a host to deploy to");
        }
        params = params == null ? Map.of() : Map.copyOf(new TreeMap<>(params));
        if (batchSize < 1) {
            throw new TemporalConfigException(plan, "batch size must be at least 1, was " + batchSize);
        }
        if (canary < 0 || (canary > 0 && canary >= hosts.size())) {
            throw new TemporalConfigException(plan, "canary must be between 0 and " + (hosts.size() - 1)
                    + " hosts, was " + canary);
        }
        if (maxUnavailable < 1) {
            throw new TemporalConfigException(plan, "maxUnavailable must be at least 1, was " + maxUnavailable);
        }
        if (soakMillis < 0) {
            throw new TemporalConfigException(plan, "soak must not be negative, was " + soakMillis + " ms");
        }
        if (gate != null && gate.isBlank()) {
            throw new TemporalConfigException(plan, "the gate plan name is blank, was '" + gate + "'");
        }
    }

    /** Starts a rollout of a catalog plan. */
    public static Builder of(String plan) {
        return new Builder(plan);
    }

    /** The batches, in order: the canary batch (if any), then batches of {@link #batchSize}. */
    public List<List<String>> batches() {
        List<List<String>> out = new ArrayList<>();
        int i = 0;
        if (canary > 0) {
            out.add(hosts.subList(0, canary));
            i = canary;
        }
        while (i < hosts.size()) {
            int end = Math.min(hosts.size(), i + batchSize);
            out.add(hosts.subList(i, end));
            i = end;
        }
        return out.stream().map(List::copyOf).toList();
    }

    /** The plan reference of one host. */
    public PlanRef refFor(String host) {
        return new PlanRef(plan, host, params);
    }

    /** Builder of a {@link Rollout}. Not thread-safe. */
    public static final class Builder {
        private final String plan;
        private List<String> hosts = List.of();
        private final Map<String, String> params = new TreeMap<>();
        private int batchSize = 1;
        private int canary;
        private String gate;
        private Duration soak = Duration.ZERO;
        private Integer maxUnavailable;

        private Builder(String plan) {
            this.plan = plan;
        }

        public Builder hosts(List<String> hosts) {
            TemporalConfigException.requireNonNull(hosts, "the host list");
            if (hosts.stream().anyMatch(h -> h == null)) {
                throw new TemporalConfigException(plan, "the host list of the rollout holds null: " + hosts);
            }
            this.hosts = List.copyOf(hosts);
            return this;
        }

        public Builder param(String key, String value) {
            params.put(TemporalConfigException.requireNonNull(key, "the parameter name"),
                    TemporalConfigException.requireNonNull(value, "the value of parameter '" + key + "'"));
            return this;
        }

        public Builder batchSize(int k) {
            this.batchSize = k;
            return this;
        }

        /** Hosts deployed alone first, before the regular batches. */
        public Builder canary(int n) {
            this.canary = n;
            return this;
        }

        /** A catalog plan of verifications run after each batch; its failure rolls the rollout back. */
        public Builder gate(String gatePlan) {
            this.gate = TemporalConfigException.requireNonNull(gatePlan, "the gate plan");
            return this;
        }

        /** Waits this long after each batch before its gate (a durable Temporal timer). */
        public Builder soak(Duration soak) {
            this.soak = TemporalConfigException.requireNonNull(soak, "the soak time");
            return this;
        }

        /** Hosts of a batch deploying at the same time; defaults to the batch size. */
        public Builder maxUnavailable(int n) {
            this.maxUnavailable = n;
            return this;
        }

        /** @throws TemporalConfigException see {@link Rollout#Rollout} */
        public Rollout build() {
            return new Rollout(plan, hosts, params, batchSize, canary, gate, soak.toMillis(),
                    maxUnavailable == null ? Math.max(batchSize, canary) : maxUnavailable);
        }
    }
}
