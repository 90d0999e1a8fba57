package dev.backstep.cli;

import dev.backstep.BackstepException;

/**
 * Bad input to the {@code backstep} command (config file, arguments, an unknown version), thrown
 * before anything changed; {@link #exitCode()} is what the command exits with.
 *
 * <pre>{@code
 * throw new CliException(ExitCode.CONFIG, "config file ./backstep.properties does not exist");
 * }</pre>
 */
public class CliException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The outcome this error ends the command with. */
    public ExitCode exitCode() {
        return exitCode;
    }
}
