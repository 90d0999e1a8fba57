package dev.backstep.files.internal;

import dev.backstep.StepValidationException;
import dev.backstep.files.FileStepException;
import dev.backstep.files.PathEscapeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Read-only checks and resolution of the files that steps read and write. */
public final class TargetFiles {
    private TargetFiles() {
    }

    /** Absolute and normalised. */
    public static Path normalize(Path p) {
        return p.toAbsolutePath().normalize();
    }

    /**
     * Where a write to {@code path} really lands: a symbolic link is followed to the file it
     * names (so that a linked {@code shared/.env} stays linked), the parent directory is resolved
     * to its real path. With a base, the result must stay inside the base's real path.
     *
     * @throws StepValidationException when the path cannot be written as a regular file
     * @throws PathEscapeException when it resolves outside {@code base}
     */
    public static Path resolveTarget(String step, Path path, Path base) {
        checkParentDirectory(step, path);
        Path resolved;
        try {
            if (Files.isSymbolicLink(path)) {
                if (!Files.exists(path)) {
                    throw new StepValidationException(step, path + " is a dangling symbolic link (to "
                            + Files.readSymbolicLink(path) + ")");
                }
                resolved = path.toRealPath();
            } else {
                resolved = path.getParent().toRealPath().resolve(path.getFileName());
            }
        } catch (IOException e) {
            throw new StepValidationException(step, "cannot resolve " + path + ": " + e, e);
        }
        if (base != null) {
            Path realBase = realBase(step, base);
            if (!resolved.startsWith(realBase)) {
                throw new PathEscapeException(step, path, base, path + " resolves to " + resolved
                        + ", outside the base directory " + base);
            }
        }
        return resolved;
    }

    /** The real path of a base directory that must exist. */
    public static Path realBase(String step, Path base) {
        if (!Files.isDirectory(base)) {
            throw new StepValidationException(step, "base directory " + base
                    + (Files.exists(base) ? " is not a directory" : " does not exist"));
        }
        try {
            return base.toRealPath();
        } catch (IOException e) {
            throw new StepValidationException(step, "cannot resolve base directory " + base + ": " + e, e);
        }
    }

    /** The parent of {@code path} is an existing, writable directory. */
    public static void checkParentDirectory(String step, Path path) {
        Path parent = path.getParent();
        if (parent == null) {
            throw new StepValidationException(step, path + " has no parent directory");
        }
        if (!Files.isDirectory(parent)) {
            Path existing = parent;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing)) {
                throw new StepValidationException(step, "cannot write " + path + ": " + existing
                        + " is a file, not a directory");
            }
            throw new StepValidationException(step, "cannot write " + path + ": directory " + parent
                    + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new StepValidationException(step, "cannot write " + path + ": directory " + parent
                    + " is not writable");
        }
    }

    /**
     * {@code path} may be replaced: its directory is writable and, when it exists, it is a readable
     * regular file (or a link to one). With {@code mustExist}, a missing file is a problem too.
     */
    public static Path checkReplaceable(String step, Path path, Path base, boolean mustExist) {
        Path target = resolveTarget(step, path, base);
        if (Files.exists(target)) {
            if (Files.isDirectory(target)) {
                throw new StepValidationException(step, target + " is a directory, expected a regular file");
            }
            if (!Files.isRegularFile(target)) {
                throw new StepValidationException(step, target + " is not a regular file (a device, pipe or socket)");
            }
            if (!Files.isReadable(target)) {
                throw new StepValidationException(step, target + " is not readable, so it cannot be backed up");
            }
        } else if (mustExist) {
            throw new StepValidationException(step, target + " does not exist");
        }
        return target;
    }

    /** {@code source} is an existing readable regular file. */
    public static void checkReadableFile(String step, Path source, String what) {
        if (!Files.exists(source)) {
            throw new StepValidationException(step, what + " " + source + " does not exist");
        }
        if (Files.isDirectory(source)) {
            throw new StepValidationException(step, what + " " + source + " is a directory, expected a regular file");
        }
        if (!Files.isRegularFile(source)) {
            throw new StepValidationException(step, what + " " + source + " is not a regular file");
        }
        if (!Files.isReadable(source)) {
            throw new StepValidationException(step, what + " " + source + " is not readable");
        }
    }

    /** Reads a whole file, naming it when that fails. */
    public static byte[] read(String step, Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FileStepException(step, file, "cannot read " + what + " " + file, e);
        }
    }
}
