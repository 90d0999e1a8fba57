package dev.backstep.temporal;

import dev.backstep.PlanDefinitionException;

/**
 * Bad input to the Temporal adapter (an unknown plan, an unsafe host name, an empty rollout, a null
 * argument), thrown before any workflow starts: a definition mistake, so a
 * {@link PlanDefinitionException} (see {@link dev.backstep.BackstepException} for the rule).
 *
 * <pre>{@code
 * try {
 *     Rollout.of("deploy-web").hosts(List.of()).build();
 * } catch (TemporalConfigException e) {
 *     System.err.println(e.getMessage()); // "rollout of plan 'deploy-web' has no hosts"
 * }
 * }</pre>
 */
public class TemporalConfigException extends PlanDefinitionException {
    private static final long serialVersionUID = 1L;

    public TemporalConfigException(String message) {
        super(null, null, message);
    }

    /** {@code value}, or a {@link TemporalConfigException} saying {@code what} is null. */
    static <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new TemporalConfigException(what + " is null");
        }
        return value;
    }
}
