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

    /** {@code rm -rf}: the tree, never what a link inside it points to. */
    static void deleteTree(Path p) throws IOException {
        dev.backstep.files.internal.FileOps.deleteRecursively(p);
    }

    /** The bytes of one run's file in a directory journal. */
    static String runFile(Path journalDir, dev.backstep.RunId run) throws IOException {
        return Files.readString(journalDir.resolve("runs").resolve(run.value() + ".jsonl"));
    }

    /** Every message down a cause chain, and of suppressed exceptions, one per line. */
    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
            for (Throwable s : c.getSuppressed()) {
                b.append(messages(s));
            }
        }
        return b.toString();
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
