package dev.backstep;

import java.util.List;

/**
 * An external program exited with a non-zero code. Carries the argv (secrets redacted), the
 * exit code and the tail of its standard error.
 *
 * <pre>{@code
 * catch (CommandFailedException e) {
 *     System.err.println(e.argv() + " exited " + e.exitCode() + ":\n" + e.stderrTail());
 * }
 * }</pre>
 */
public class CommandFailedException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final List<String> argv;
    private final int exitCode;
    private final String stderrTail;

    public CommandFailedException(List<String> argv, int exitCode, String stderrTail) {
        this(argv, exitCode, stderrTail, "command " + argv + " exited with code " + exitCode
                + (stderrTail.isBlank() ? "" : ": " + stderrTail.strip()));
    }

    protected CommandFailedException(List<String> argv, int exitCode, String stderrTail, String message) {
        super(message);
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }

    /** The program and its arguments, with secret values replaced by {@code ****}. */
    public List<String> argv() {
        return argv;
    }

    /** The exit code, or -1 when the process was killed. */
    public int exitCode() {
        return exitCode;
    }

    /** The last lines of standard error (bounded, secrets redacted). */
    public String stderrTail() {
        return stderrTail;
    }
}
