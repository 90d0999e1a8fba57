package dev.backstep;

import java.util.List;

/**
 * {@link Runner#rehearse} refused a plan before changing anything: a step is a pivot or cannot be
 * undone (a rehearsal rolls the whole plan back, and such a step would stay applied), a step's
 * name collides with the rehearsal's own verification, or a step could not describe its
 * resources before the rehearsal.
 *
 * <pre>{@code
 * try {
 *     runner.rehearse(plan);
 * } catch (RehearsalRefusedException e) {
 *     System.err.println(e.getMessage() + " " + e.steps());
 * }
 * }</pre>
 */
public class RehearsalRefusedException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final String planName;
    private final List<String> steps;

    public RehearsalRefusedException(String planName, List<String> steps, String message) {
        this(planName, steps, message, null);
    }

    public RehearsalRefusedException(String planName, List<String> steps, String message, Throwable cause) {
        super("plan '" + planName + "' cannot be rehearsed: " + message, cause);
        this.planName = planName;
        this.steps = List.copyOf(steps);
    }

    /** The plan refused. */
    public String planName() {
        return planName;
    }

    /** The steps that stand in the way, in plan order. */
    public List<String> steps() {
        return steps;
    }
}
