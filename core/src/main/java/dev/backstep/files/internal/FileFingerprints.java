package dev.backstep.files.internal;

import dev.backstep.Fingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only fingerprints of the files and release directories the file steps touch. Nothing here
 * writes, creates a directory or changes a time stamp.
 */
public final class FileFingerprints {
    /** A fact value for something that is not there. */
    public static final String NONE = "(none)";

    private FileFingerprints() {
    }

    /**
     * {@code file:<path>}: whether it exists; for a link its target text; for what it resolves to
     * its type, size, sha256, mode ({@code rw-r-----}), uid and gid; temp files an interrupted
     * atomic write left next to it.
     */
    public static Fingerprint file(Path path) throws IOException {
        Map<String, String> facts = new TreeMap<>();
        if (Files.isSymbolicLink(path)) {
            facts.put("link", Files.readSymbolicLink(path).toString());
        }
        boolean exists = Files.exists(path);
        facts.put("exists", Boolean.toString(exists));
        if (exists) {
            facts.put("type", type(path));
            facts.put("mode", symbolicMode((Integer) Files.getAttribute(path, "unix:mode")));
            facts.put("uid", String.valueOf(Files.getAttribute(path, "unix:uid")));
            facts.put("gid", String.valueOf(Files.getAttribute(path, "unix:gid")));
            if (Files.isRegularFile(path)) {
                facts.put("size", Long.toString(Files.size(path)));
                facts.put("sha256", FileOps.sha256(path));
            }
        }
        Path parent = path.getParent();
        if (parent != null && Files.isDirectory(parent)) {
            Path real = exists ? path.toRealPath() : path;
            List<String> temps = tempsOf(real);
            if (!real.equals(path)) {
                temps.addAll(tempsOf(path));
            }
            if (!temps.isEmpty()) {
                facts.put("stray temp files", String.join(", ", temps));
            }
        }
        return new Fingerprint("file:" + path, facts);
    }

    private static List<String> tempsOf(Path target) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (FileOps.isTempOf(p, target)) {
                    out.add(p.getFileName().toString());
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * {@code release:<base>}: where {@code current} points, every entry of {@code releases/}, a
     * tree hash of each release (relative paths, types, modes, file sha256s, link targets), the
     * release marked good, the pending rollback targets, the deploy log (versions and runs, in
     * order) and stray switch links; not the kept copies of failed releases
     * ({@code <version>.failed-<run>}: evidence a rollback leaves, not state it restores). A missing
     * {@code releases/} describes like an empty one (the first deploy creates it and its rollback
     * leaves it, empty, in place), and so does a missing {@code releases/.pending} (a rollback
     * removes it once empty): both are containers of the layout.
     */
    public static Fingerprint releases(Path base) throws IOException {
        Map<String, String> facts = new TreeMap<>();
        facts.put("current", ReleaseOps.readCurrent(base).orElse(NONE));
        Path rel = ReleaseOps.releases(base);
        if (!Files.exists(rel, LinkOption.NOFOLLOW_LINKS)) {
            // the container the first deploy creates and its rollback keeps, empty: alike
            facts.put("releases/", "(empty)");
            facts.put("good", NONE);
            facts.put("pending", NONE);
            facts.put("deploy log", NONE);
        } else if (Files.isSymbolicLink(rel) || !Files.isDirectory(rel, LinkOption.NOFOLLOW_LINKS)) {
            facts.put("releases/", "(not a directory: " + type(rel) + ")");
        } else {
            // .good and .pending are described by "good" and "pending": an empty .pending (every
            // run finished) describes like none, since a rollback removes it once it is empty
            List<String> entries = names(rel);
            entries.removeAll(List.of(".good", ".pending", ReleaseOps.DEPLOY_LOG));
            // a failed release kept for review is evidence, not state a rollback restores
            entries.removeIf(ReleaseOps::isFailedCopy);
            facts.put("releases/", entries.isEmpty() ? "(empty)" : String.join(", ", entries));
            for (String name : entries) {
                facts.put("release " + name, tree(rel.resolve(name)));
            }
            Path pendingDir = ReleaseOps.pendingDir(base);
            if (Files.exists(pendingDir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(pendingDir,
                    LinkOption.NOFOLLOW_LINKS)) {
                facts.put(".pending", "(not a directory: " + type(pendingDir) + ")");
            }
            facts.put("good", ReleaseOps.goodVersion(base).orElse(
                    Files.exists(ReleaseOps.goodMarker(base), LinkOption.NOFOLLOW_LINKS) ? "(unreadable marker)" : NONE));
            Map<String, String> pending = ReleaseOps.pending(base);
            List<String> p = new ArrayList<>();
            pending.forEach((run, version) -> p.add(run + "=" + (version.isEmpty() ? NONE : version)));
            facts.put("pending", p.isEmpty() ? NONE : String.join(", ", p));
            List<String> log = new ArrayList<>();
            ReleaseOps.readLog(base).forEach(e -> log.add(e.version() + "@" + e.runId()));
            facts.put("deploy log", log.isEmpty() ? NONE : String.join(", ", log));
        }
        List<String> stray = new ArrayList<>();
        if (Files.isDirectory(base)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, "current.tmp-*")) {
                for (Path s : ds) {
                    stray.add(s.getFileName().toString());
                }
            }
        }
        if (!stray.isEmpty()) {
            stray.sort(null);
            facts.put("stray switch links", String.join(", ", stray));
        }
        return new Fingerprint("release:" + base, facts);
    }

    /**
     * A hash of a directory tree: for the root and everything below it (links not followed,
     * except a linked release itself), sorted by relative path: the type, the mode, and the
     * sha256 of a file or the target of a link. {@code <n> entries, sha256 <hex>}, prefixed with
     * {@code link -> <target>, } for a linked release.
     */
    static String tree(Path root) throws IOException {
        String prefix = "";
        Path walkRoot = root;
        if (Files.isSymbolicLink(root)) {
            prefix = "link -> " + Files.readSymbolicLink(root) + ", ";
            if (!Files.exists(root)) {
                return prefix + "dangling";
            }
            walkRoot = root.toRealPath();
        }
        if (!Files.isDirectory(walkRoot, LinkOption.NOFOLLOW_LINKS)) {
            return prefix + type(walkRoot) + ", " + (Files.isRegularFile(walkRoot, LinkOption.NOFOLLOW_LINKS)
                    ? "sha256 " + FileOps.sha256(walkRoot) : "not hashed");
        }
        TreeMap<String, String> lines = new TreeMap<>();
        Path top = walkRoot;
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                lines.put(rel(top, dir), "d " + modeOf(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String line;
                if (attrs.isSymbolicLink()) {
                    line = "l " + Files.readSymbolicLink(file);
                } else if (attrs.isRegularFile()) {
                    line = "f " + modeOf(file) + " " + FileOps.sha256(file);
                } else {
                    line = "o " + modeOf(file);
                }
                lines.put(rel(top, file), line);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                throw exc;
            }
        });
        MessageDigest md = sha256();
        lines.forEach((path, line) -> md.update((path + "\0" + line + "\n").getBytes(StandardCharsets.UTF_8)));
        return prefix + lines.size() + " entries, sha256 " + HexFormat.of().formatHex(md.digest());
    }

    private static String rel(Path top, Path p) {
        String r = top.relativize(p).toString();
        return r.isEmpty() ? "." : r;
    }

    private static String modeOf(Path p) throws IOException {
        return FileOps.formatMode((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        }
        out.sort(null);
        return out;
    }

    private static String type(Path p) {
        if (Files.isSymbolicLink(p)) {
            return "symbolic link";
        }
        if (Files.isRegularFile(p)) {
            return "regular file";
        }
        if (Files.isDirectory(p)) {
            return "directory";
        }
        return "other";
    }

    /** {@code rw-r-----} with {@code s/S} and {@code t/T} for setuid, setgid and sticky, as ls prints it. */
    public static String symbolicMode(int mode) {
        char[] c = new char[9];
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            c[i] = (mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-';
        }
        special(c, 2, (mode & 04000) != 0, 's');
        special(c, 5, (mode & 02000) != 0, 's');
        special(c, 8, (mode & 01000) != 0, 't');
        return new String(c);
    }

    private static void special(char[] c, int i, boolean set, char letter) {
        if (set) {
            c[i] = c[i] == '-' ? Character.toUpperCase(letter) : letter;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
