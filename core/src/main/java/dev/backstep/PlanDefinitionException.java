package dev.backstep;

import java.util.Optional;

/**
 * A definition mistake: a bad argument given while composing a plan, a step, a check, a runner
 * or an option (null, blank, out of range, malformed, conflicting), or a malformed plan (no
 * steps, a duplicate or blank step name). Thrown by the call that receives the argument, or by
 * {@link Plan.Builder#build()}, so nothing has run yet. See {@link BackstepException} for the rule.
 *
 * <p>The message names the plan when it is known, the step when it is known, and the offending
 * value (masked when it is secret): {@code plan 'deploy', step 'migrate': timeout must be positive,
 * was PT-1S}. A step is defined before its plan exists (Java evaluates {@code step(...)}'s argument
 * first), so a mistake in a step's own definition names the step; the plan builder's checks
 * ({@code build()}) name the plan and the steps concerned.
 *
 * <pre>{@code
 * Plan.named("deploy").build();                              // plan 'deploy': it has no steps
 * Step.named("migrate").timeout(Duration.ofSeconds(-1));     // step 'migrate': timeout must be positive, was PT-1S
 * }</pre>
 */
public class PlanDefinitionException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final String planName;
    private final String stepName;
    private final String problem;

    /** A mistake in the plan {@code planName} as a whole. */
    public PlanDefinitionException(String planName, String problem) {
        this(planName, null, problem, null);
    }

    /**
     * A mistake in the definition of step {@code stepName} of plan {@code planName}; either name
     * may be null when it is not known (yet).
     */
    public PlanDefinitionException(String planName, String stepName, String problem) {
        this(planName, stepName, problem, null);
    }

    /** Like {@link #PlanDefinitionException(String, String, String)}, with the mistake's cause. */
    public PlanDefinitionException(String planName, String stepName, String problem, Throwable cause) {
        super(message(planName, stepName, problem), cause);
        this.planName = planName;
        this.stepName = stepName;
        this.problem = problem;
    }

    /**
     * Returns {@code value}, or throws a definition mistake saying {@code what} is null.
     *
     * <pre>{@code
     * this.dir = PlanDefinitionException.requireNonNull(dir, name, "the working directory");
     * }</pre>
     *
     * @param stepName the step being defined, or null when it has no name yet
     * @param what     what the value is, as a message names it ("the working directory")
     */
    public static <T> T requireNonNull(T value, String stepName, String what) {
        if (value == null) {
            throw new PlanDefinitionException(null, stepName, what + " is null");
        }
        return value;
    }

    /**
     * This mistake with the step's name added (the same exception when it already names one): a
     * step calls it when a value it was given (a {@link StepPolicy}, a {@link RetryPolicy}) refuses
     * an argument without knowing the step.
     */
    public PlanDefinitionException inStep(String stepName) {
        if (this.stepName != null || stepName == null) {
            return this;
        }
        return new PlanDefinitionException(planName, stepName, problem, this);
    }

    /** The name of the plan being built (may be blank when the name itself is the problem), or null when not known. */
    public String planName() {
        return planName;
    }

    /** The step whose definition is wrong, when the mistake belongs to one step with a name. */
    public Optional<String> stepName() {
        return Optional.ofNullable(stepName);
    }

    /** The mistake itself, without the plan and step names. */
    public String problem() {
        return problem;
    }

    private static String message(String planName, String stepName, String problem) {
        StringBuilder m = new StringBuilder();
        if (planName != null) {
            m.append("plan '").append(planName).append('\'');
        }
        if (stepName != null) {
            m.append(m.length() > 0 ? ", " : "").append("step '").append(stepName).append('\'');
        }
        return m.length() == 0 ? problem : m.append(": ").append(problem).toString();
    }
}
