package dev.backstep.files;

import dev.backstep.StepException;
import java.nio.file.Path;

/**
 * A file operation of a step failed (a path could not be read, written, renamed or synced). The
 * message says what was being done and {@link #path()} names the file.
 *
 * <pre>{@code
 * catch (FileStepException e) {
 *     System.err.println("cannot touch " + e.path() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class FileStepException extends StepException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public FileStepException(String stepName, Path path, String problem, Throwable cause) {
        super(stepName, (stepName == null || stepName.isEmpty() ? "" : "step '" + stepName + "': ") + problem
                + (cause == null ? "" : ": " + describe(cause)), cause);
        this.path = path;
    }

    /** The file or directory the failed operation was about. */
    public Path path() {
        return path;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        String type = t.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + " (" + m + ")";
    }
}
