package dev.backstep.temporal;

import java.util.List;

/**
 * The outcome of a rollout, or of its later rollback: a status, why it stopped, and one
 * {@link HostOutcome} per host (in the rollout's host order).
 *
 * <pre>{@code
 * RolloutResult r = workflows.rollout("r-42", rollout, Duration.ofHours(1));
 * if (r.status() != RolloutResult.Status.SUCCEEDED) {
 *     System.err.println(r.reason());
 *     r.hosts().forEach(h -> System.err.println(h.host() + ": " + h.state()));
 * }
 * }</pre>
 *
 * @param rolloutId the rollout's id (its workflow id)
 * @param rollout what was rolled out
 * @param status how it ended
 * @param reason why it stopped, or null after a success
 * @param hosts one outcome per host
 * @param gates the gate runs, in order
 * @param rolledBack hosts in the order they were rolled back (newest deploy first)
 */
public record RolloutResult(String rolloutId, Rollout rollout, Status status, String reason, List<HostOutcome> hosts,
                            List<RunRecord> gates, List<String> rolledBack) {
    public RolloutResult {
        hosts = List.copyOf(hosts);
        gates = List.copyOf(gates);
        rolledBack = List.copyOf(rolledBack);
    }

    /** How a rollout ended. */
    public enum Status {
        /** Every batch deployed and passed its gate. */
        SUCCEEDED,
        /** Stopped, and every host it had deployed is rolled back. */
        ROLLED_BACK,
        /** Stopped, and at least one host could not be rolled back completely. */
        ROLLBACK_FAILED
    }

    /** The outcome of one host. @throws IllegalArgumentException for a host not in the rollout */
    public HostOutcome host(String host) {
        return hosts.stream().filter(h -> h.host().equals(host)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("host '" + host + "' is not in rollout " + rolloutId));
    }
}
