package dev.backstep.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small real-file helpers for the tests. */
final class Fs {
    private Fs() {
    }

    static String mode(Path p) throws IOException {
        return String.format("%04o", ((Integer) Files.getAttribute(p, "unix:mode")) & 07777);
    }

    static void chmod(Path p, String octal) throws IOException {
        Files.setAttribute(p, "unix:mode", Integer.parseInt(octal, 8));
    }

    static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid");
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
