package dev.backstep.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Owner-only directory creation and safe file names. */
public final class Paths2 {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private Paths2() {
    }

    /** Creates {@code dir} and missing parents; directories created here get mode 0700. */
    public static Path ownerOnlyDirectories(Path dir) {
        try {
            Path abs = dir.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                return abs;
            }
            Path parent = abs.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                ownerOnlyDirectories(parent);
            }
            try {
                if (POSIX) {
                    Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectory(abs);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(abs)) {
                    throw e;
                }
            }
            return abs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir, e);
        }
    }

    /** A file-name-safe rendering of an arbitrary name (step names, targets). */
    public static String safeName(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        String s = b.toString();
        if (s.isEmpty() || s.startsWith(".")) {
            s = "_" + s;
        }
        if (s.length() > 80) {
            s = s.substring(0, 80);
        }
        return s + "-" + Integer.toHexString(name.hashCode());
    }
}
