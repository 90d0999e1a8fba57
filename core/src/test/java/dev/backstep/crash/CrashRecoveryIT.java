package dev.backstep.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a deploying JVM with SIGKILL at every journal boundary in turn, then lets a fresh JVM
 * that knows no plan recover, and proves every file (bytes, mode, symlink target) is as before.
 */
class CrashRecoveryIT {
    @TempDir
    Path tmp;

    @Test
    void recoversFromSigkillAtEveryJournalBoundary() throws Exception {
        // a dry pass through the whole failing plan counts the boundaries
        Path countWork = prepare(tmp.resolve("count"));
        String finished = runChild(tmp.resolve("count-state"), countWork, Integer.MAX_VALUE, true);
        assertThat(finished).startsWith("FINISHED").endsWith("ROLLED_BACK");
        int boundaries = Integer.parseInt(finished.split(" ")[1]);
        assertThat(boundaries).isGreaterThan(20);

        List<String> killedAt = new ArrayList<>();
        for (int point = 1; point <= boundaries; point++) {
            Path work = prepare(tmp.resolve("w" + point));
            Map<String, String> before = snapshot(work);
            Path state = tmp.resolve("s" + point);

            String line = runChild(state, work, point, true);
            assertThat(line).as("child at point %d", point).startsWith("CRASH-POINT " + point);
            killedAt.add(line.substring("CRASH-POINT ".length()));

            ChildJvm.Result recovered = child("recover", state.toString());
            assertThat(recovered.exitCode()).as("recover after kill at %s:%n%s", line, recovered.output()).isZero();
            assertThat(snapshot(work)).as("files after recovery from a kill at %s", line).isEqualTo(before);
            assertFailedCopiesAreTheNewRelease(work);
        }
        System.out.println("killed the deploy with SIGKILL at " + killedAt.size() + " of " + boundaries
                + " journal boundaries, recovered every time: " + killedAt);
        assertThat(killedAt).hasSize(boundaries);
    }

    @Test
    void rollsBackASucceededRunFromANewProcess() throws Exception {
        Path work = prepare(tmp.resolve("ok"));
        Map<String, String> before = snapshot(work);
        Path state = tmp.resolve("ok-state");

        String finished = runChild(state, work, Integer.MAX_VALUE, false);
        assertThat(finished).endsWith("SUCCEEDED");
        assertThat(snapshot(work)).isNotEqualTo(before);
        assertThat(Files.readString(work.resolve("app.env"))).contains("APP_VERSION=2");

        ChildJvm.Result rolledBack = child("rollback", state.toString(), finished.split(" ")[2]);

        assertThat(rolledBack.exitCode()).as(rolledBack.output()).isZero();
        assertThat(snapshot(work)).isEqualTo(before);
        assertThat(failedCopies(work)).hasSize(1);
        assertFailedCopiesAreTheNewRelease(work);
    }

    /** The release a rolled-back run created is kept for review as releases/v2.failed-<run>: v2's files, owner-only. */
    private static void assertFailedCopiesAreTheNewRelease(Path work) throws IOException {
        for (Path copy : failedCopies(work)) {
            assertThat(copy.getFileName().toString()).startsWith("v2.failed-");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy, LinkOption.NOFOLLOW_LINKS)))
                    .isEqualTo("rwx------");
            assertThat(Files.readString(copy.resolve("index.html"))).isEqualTo("v2");
        }
    }

    private static List<Path> failedCopies(Path work) throws IOException {
        try (Stream<Path> s = Files.list(work.resolve("app/releases"))) {
            return s.filter(p -> p.getFileName().toString().contains(".failed-")).toList();
        }
    }

    private Path prepare(Path work) throws IOException {
        Files.createDirectories(work.resolve("app/releases/v1"));
        Files.writeString(work.resolve("app/releases/v1/index.html"), "v1");
        Files.createSymbolicLink(work.resolve("app/current"), Path.of("releases/v1"));
        Files.createDirectories(work.resolve("build-v2"));
        Files.writeString(work.resolve("build-v2/index.html"), "v2");
        Files.writeString(work.resolve("app.env"), "APP_VERSION=1\n# keep me\nDB_PASSWORD=s3cret\n");
        Files.setPosixFilePermissions(work.resolve("app.env"), PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(work.resolve("app/shared.env"), "# shared\nRELEASE=v1\nLEGACY=yes\n");
        return work;
    }

    /** Relative path -> content hash (or link target) and permissions, for every entry under {@code root}. */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("app/releases/") && rel.split("/")[2].contains(".failed-")) {
                    continue; // a failed release kept for review is evidence, not state: checked on its own
                }
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel + "/", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                } else {
                    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                    out.put(rel, HexFormat.of().formatHex(sha) + " "
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
                }
            }
        }
        return out;
    }

    /** Starts a deploy; returns its CRASH-POINT line after SIGKILLing it there, or its FINISHED line. */
    private String runChild(Path state, Path work, int point, boolean fail) throws Exception {
        return ChildJvm.runToCrashPoint(CrashChild.class, "run", state.toString(), work.toString(), Integer.toString(point), Boolean.toString(fail));
    }

    private ChildJvm.Result child(String... args) throws Exception {
        return ChildJvm.run(CrashChild.class, args);
    }
}
