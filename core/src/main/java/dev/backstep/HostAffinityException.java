package dev.backstep;

import java.util.List;

/**
 * A run was refused (rolled back or recovered) on a host other than the one that ran it, because
 * steps that changed that host's local resources (files, releases, git working copies, local
 * commands and units) are still applied: only a runner of {@link #host()} can undo them. Nothing
 * was changed. {@link Runner#recover} reports such runs in {@link Recovery#unrecoverable()} as
 * left for their host instead of throwing.
 *
 * <pre>{@code
 * try {
 *     runner.rollback(runId);
 * } catch (HostAffinityException e) {
 *     System.err.println("run it on " + e.host() + ": " + e.steps());
 * }
 * }</pre>
 */
public class HostAffinityException extends RollbackRefusedException {
    private static final long serialVersionUID = 1L;
    private final String host;
    private final List<String> steps;

    /**
     * @param runId the run
     * @param host the host that ran it
     * @param here the host of the refusing runner
     * @param steps the host-local steps still applied
     */
    public HostAffinityException(RunId runId, String host, String here, List<String> steps) {
        super("run " + runId + " ran on host '" + host + "' and its host-local step(s) " + steps
                + " are still applied there: roll it back or recover it on '" + host + "' (this runner is on '"
                + here + "')");
        this.host = host;
        this.steps = List.copyOf(steps);
    }

    /** The host that ran the run: the only one that may compensate it. */
    public String host() {
        return host;
    }

    /** The host-local steps still applied. */
    public List<String> steps() {
        return steps;
    }
}
