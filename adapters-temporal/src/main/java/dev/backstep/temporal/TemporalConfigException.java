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
 *     System.err.println(e.getMessage()); // "plan 'deploy-web': the rollout has no hosts"
 * }
 * }</pre>
 */
public class TemporalConfigException extends PlanDefinitionException {
    private static final long serialVersionUID = 1L;

    public TemporalConfigException(String message) {
        super(null, null, message);
    }

    /** A mistake in the rollout or run of plan {@code planName}: the message starts {@code plan 'NAME': }. */
    public TemporalConfigException(String planName, String problem) {
        super(planName, null, problem);
    }

    /** {@code value}, or a {@link TemporalConfigException} saying {@code what} is null. */
    static <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new TemporalConfigException(what + " is null");
        }
        return value;
    }
}
