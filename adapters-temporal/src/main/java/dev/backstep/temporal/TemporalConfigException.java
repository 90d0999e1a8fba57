package dev.backstep.temporal;

import dev.backstep.BackstepException;

/**
 * Bad input to the Temporal adapter (an unknown plan, an unsafe host name, an empty rollout),
 * thrown before any workflow starts.
 *
 * <pre>{@code
 * try {
 *     Rollout.of("deploy-web").hosts(List.of()).build();
 * } catch (TemporalConfigException e) {
 *     System.err.println(e.getMessage()); // "rollout of plan 'deploy-web' has no hosts"
 * }
 * }</pre>
 */
public class TemporalConfigException extends BackstepException {
    private static final long serialVersionUID = 1L;

    public TemporalConfigException(String message) {
        super(message);
    }
}
