package dev.backstep;

/**
 * A plan is malformed: no steps, a duplicate or blank step name, a null step. Thrown by
 * {@link Plan.Builder#build()}, so nothing has run yet.
 *
 * <pre>{@code
 * Plan.named("deploy").build(); // throws: plan 'deploy' has no steps
 * }</pre>
 */
public class PlanDefinitionException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final String planName;

    public PlanDefinitionException(String planName, String problem) {
        super("plan '" + planName + "': " + problem);
        this.planName = planName;
    }

    /** The name of the plan being built (may be blank when the name itself is the problem). */
    public String planName() {
        return planName;
    }
}
