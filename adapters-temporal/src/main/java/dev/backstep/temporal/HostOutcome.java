package dev.backstep.temporal;

/**
 * Where one host of a rollout ended, with its deploy run and, if it was undone, its rollback.
 *
 * <pre>{@code
 * for (HostOutcome h : result.hosts()) System.out.println(h.host() + " " + h.state());
 * }</pre>
 *
 * @param host the host
 * @param batch the 1-based batch the host belongs to
 * @param state where the host ended
 * @param deploy the host's deploy run, or null if it never started
 * @param rollback the host's rollback run, or null if it was not rolled back
 */
public record HostOutcome(String host, int batch, State state, RunRecord deploy, RunRecord rollback) {

    /** Where a host of a rollout ended. */
    public enum State {
        /** Its batch was never reached: nothing ran on it. */
        UNTOUCHED,
        /** Deployed and still deployed. */
        DEPLOYED,
        /** Its own run failed and rolled itself back (see {@link #deploy()}). */
        FAILED,
        /** Deployed, then rolled back. */
        ROLLED_BACK,
        /** Its deploy or rollback could not be undone completely: needs attention. */
        ROLLBACK_FAILED
    }
}
