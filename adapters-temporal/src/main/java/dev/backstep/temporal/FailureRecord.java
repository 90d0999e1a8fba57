package dev.backstep.temporal;

/**
 * One failure of a run on Temporal: a step's action, a compensation, or a stop. Kept in the
 * {@link RunRecord} in the order they happened; none is dropped.
 *
 * <pre>{@code
 * record.failures().forEach(f -> System.err.println(f.kind() + " " + f.step() + ": " + f.message()));
 * }</pre>
 *
 * @param kind what failed
 * @param step the step it belongs to
 * @param attempts how many attempts were made
 * @param message the failure's type and message
 */
public record FailureRecord(Kind kind, String step, int attempts, String message) {

    /** What failed. */
    public enum Kind {
        /** The forward action, after its attempts. */
        STEP,
        /** A compensation, after its attempts: the step is still applied. */
        COMPENSATION,
        /** The workflow was cancelled while the step ran. */
        CANCELLED,
        /** The target was locked by another run on its host: nothing ran ({@code step} names the target). */
        LOCKED
    }
}
