package dev.backstep;

/**
 * An external program could not be started: it is not on the {@code PATH}, not executable, or
 * the working directory does not exist.
 *
 * <pre>{@code
 * catch (ProgramNotFoundException e) { System.err.println("install " + e.program()); }
 * }</pre>
 */
public class ProgramNotFoundException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final String program;

    public ProgramNotFoundException(String program, String detail, Throwable cause) {
        super("cannot run program '" + program + "': " + detail, cause);
        this.program = program;
    }

    /** The program name as given in argv[0]. */
    public String program() {
        return program;
    }
}
