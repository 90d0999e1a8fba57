package dev.backstep.db;

import dev.backstep.StepException;

/**
 * A database step failed: the database could not be reached, a statement or a dump/restore
 * program failed, a snapshot could not be written. The message names the database (never its
 * password) and what was being done.
 *
 * <pre>{@code
 * catch (DbException e) {
 *     alert("step " + e.stepName() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class DbException extends StepException {
    private static final long serialVersionUID = 1L;

    public DbException(String stepName, String problem) {
        super(stepName, prefix(stepName) + problem);
    }

    public DbException(String stepName, String problem, Throwable cause) {
        super(stepName, prefix(stepName) + problem, cause);
    }

    private static String prefix(String stepName) {
        return stepName == null || stepName.isEmpty() ? "" : "step '" + stepName + "': ";
    }
}
