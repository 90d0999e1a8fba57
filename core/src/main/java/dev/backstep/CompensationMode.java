package dev.backstep;

/**
 * How completed steps are compensated. Parallel groups are always compensated together; this
 * chooses whether <em>independent</em> sequential steps are too.
 *
 * <pre>{@code
 * Backstep.runner().compensation(CompensationMode.PARALLEL).build();
 * }</pre>
 */
public enum CompensationMode {
    /** Strictly in reverse order, one step at a time; a parallel group's members concurrently. */
    SEQUENTIAL,
    /** Every completed step's compensation at once. Only for steps that do not depend on each other. */
    PARALLEL
}
