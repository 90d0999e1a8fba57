package dev.backstep;

import java.util.List;

/**
 * The thread waiting for an external program was interrupted (the runner cancelled the step, or
 * the application is shutting down), so the program and its child processes were killed. The
 * thread's interrupt flag is set again when this is thrown.
 *
 * <p>It is a {@link CommandFailedException} with exit code -1, so that code handling failed
 * commands sees it; the {@link dev.backstep.spi.CommandRunner}s raise it instead of a
 * {@link StepCancelledException} because they do not know which step they serve.
 *
 * <pre>{@code
 * catch (CommandInterruptedException e) {
 *     log.warn("{} was stopped: {}", e.argv(), e.stderrTail());
 * }
 * }</pre>
 */
public class CommandInterruptedException extends CommandFailedException {
    private static final long serialVersionUID = 1L;

    public CommandInterruptedException(List<String> argv, String stderrTail) {
        super(argv, -1, stderrTail, "command " + argv + " was interrupted and killed");
    }
}
