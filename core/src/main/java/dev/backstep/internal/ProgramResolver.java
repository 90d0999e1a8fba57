package dev.backstep.internal;

import dev.backstep.ProgramNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the file a program name stands for, the way {@code execvp} does, without starting
 * anything: a name with a slash is a path (relative to the working directory), a name without one
 * is looked up in {@code PATH}.
 *
 * <pre>{@code
 * Path git = ProgramResolver.resolve("git", workDir, System.getenv("PATH"), Redactor.NONE);
 * }</pre>
 */
public final class ProgramResolver {
    private ProgramResolver() {
    }

    /**
     * The working directory a command will run in: {@code dir} made absolute, or the current
     * directory of this process.
     *
     * @throws ProgramNotFoundException naming {@code program} when the directory does not exist
     *     or is not a directory
     */
    public static Path workingDir(String program, Optional<Path> dir) {
        Path d = dir.orElseGet(() -> Path.of("")).toAbsolutePath().normalize();
        if (!Files.exists(d)) {
            throw new ProgramNotFoundException(program, "working directory " + d + " does not exist", null);
        }
        if (!Files.isDirectory(d)) {
            throw new ProgramNotFoundException(program, "working directory " + d + " is not a directory", null);
        }
        return d;
    }

    /**
     * The executable file {@code program} stands for.
     *
     * @param program argv[0]
     * @param workDir the absolute working directory (relative names and PATH entries resolve
     *     against it)
     * @param pathVar the {@code PATH} to search, may be null
     * @param redactor masks secrets in the exception's program name and message
     * @throws ProgramNotFoundException naming the program when there is no such executable file
     */
    public static Path resolve(String program, Path workDir, String pathVar, Redactor redactor) {
        try {
            if (program.indexOf('/') >= 0) {
                Path p = workDir.resolve(program).normalize();
                if (!Files.exists(p)) {
                    throw notFound(redactor, program, "no such file " + p, null);
                }
                if (Files.isDirectory(p)) {
                    throw notFound(redactor, program, p + " is a directory", null);
                }
                if (!Files.isExecutable(p)) {
                    throw notFound(redactor, program, p + " is not executable", null);
                }
                return p;
            }
            if (pathVar == null || pathVar.isEmpty()) {
                throw notFound(redactor, program, "not found: PATH is not set", null);
            }
            Path notExecutable = null;
            for (String entry : pathVar.split(":", -1)) {
                Path dir = entry.isEmpty() ? workDir : workDir.resolve(entry);
                Path candidate = dir.resolve(program);
                if (Files.isRegularFile(candidate)) {
                    if (Files.isExecutable(candidate)) {
                        return candidate.toAbsolutePath().normalize();
                    }
                    if (notExecutable == null) {
                        notExecutable = candidate;
                    }
                }
            }
            if (notExecutable != null) {
                throw notFound(redactor, program,
                        "found " + notExecutable + " but it is not executable", null);
            }
            throw notFound(redactor, program, "not found on PATH (" + pathVar + ")", null);
        } catch (InvalidPathException e) {
            throw notFound(redactor, program, "not a valid file name: " + e.getReason(), e);
        }
    }

    private static ProgramNotFoundException notFound(Redactor redactor, String program, String detail, Throwable cause) {
        return new ProgramNotFoundException(redactor.redact(program), redactor.redact(detail), cause);
    }
}
