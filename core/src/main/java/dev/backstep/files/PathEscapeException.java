package dev.backstep.files;

import dev.backstep.StepValidationException;
import java.nio.file.Path;

/**
 * A path leaves the base directory it was declared in: a release version such as {@code ../x}
 * or {@code /etc}, a config file outside its {@link ReplaceStep#within base}, or a symbolic link
 * inside the base that points outside it. Thrown before anything is changed.
 *
 * <pre>{@code
 * try {
 *     Release.in(Path.of("/srv/shop")).deploy("../../etc", build);
 * } catch (PathEscapeException e) {
 *     System.err.println(e.path() + " is outside " + e.base());
 * }
 * }</pre>
 */
public class PathEscapeException extends StepValidationException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;
    private final transient Path base;

    public PathEscapeException(String stepName, Path path, Path base, String problem) {
        super(stepName, problem);
        this.path = path;
        this.base = base;
    }

    /** The offending path (as given, normalised where possible). */
    public Path path() {
        return path;
    }

    /** The directory the path had to stay in. */
    public Path base() {
        return base;
    }
}
