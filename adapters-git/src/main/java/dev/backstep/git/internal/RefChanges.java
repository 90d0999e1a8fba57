package dev.backstep.git.internal;

import dev.backstep.BackstepException;
import dev.backstep.StepContext;
import dev.backstep.git.GitException;
import dev.backstep.git.GitException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a fetch changes: the remote's remote-tracking refs and the tags. Snapshots them to an
 * owner-only file in the step's backup directory before fetching, records what changed after,
 * and undoes exactly those changes (a ref moved since by someone else is left alone).
 */
public final class RefChanges {
    private static final String ABSENT = "-";

    private RefChanges() {
    }

    /**
     * Snapshots the refs a fetch from {@code remote} may change and records the file. The caller
     * has recorded {@link Keys#REPO} and {@link Keys#GIT}.
     */
    public static void recordBefore(StepContext ctx, GitCli cli, String remote) {
        ctx.record(Keys.REMOTE, remote);
        Path file = ctx.backupDir().resolve("refs-before.txt");
        write(file, snapshotText(snapshot(cli, remote)));
        ctx.record(Keys.REFS_BEFORE, file.toString());
    }

    /** After fetching: records which refs the fetch changed. */
    public static void recordChanges(StepContext ctx, GitCli cli) {
        Path before = Path.of(ctx.recorded(Keys.REFS_BEFORE).orElseThrow());
        String remote = ctx.recorded(Keys.REMOTE).orElseThrow();
        List<String[]> changes = diff(parse(read(before)), snapshot(cli, remote));
        StringBuilder b = new StringBuilder();
        for (String[] c : changes) {
            b.append(c[0]).append(' ').append(c[1]).append(' ').append(c[2]).append('\n');
        }
        Path file = ctx.backupDir().resolve("refs-changed.txt");
        write(file, b.toString());
        ctx.record(Keys.REFS_CHANGED, file.toString());
        ctx.logger().info("fetch from {} changed {} ref(s) in {}", remote, changes.size(), cli.repo());
    }

    /** Puts back every ref the fetch changed and nobody moved since. Idempotent. */
    public static void undo(StepContext ctx) {
        Optional<String> beforeFile = ctx.recorded(Keys.REFS_BEFORE);
        if (beforeFile.isEmpty() || ctx.recorded(Keys.REMOTE).isEmpty()) {
            ctx.logger().info("no ref snapshot recorded: the step fetched nothing, nothing to undo");
            return;
        }
        GitCli cli = GitCompensations.recordedRepo(ctx).orElseThrow();
        List<String[]> changes;
        Optional<String> changedFile = ctx.recorded(Keys.REFS_CHANGED);
        if (changedFile.isPresent()) {
            changes = new ArrayList<>();
            for (String line : read(Path.of(changedFile.get())).split("\n")) {
                String[] parts = line.split(" ");
                if (parts.length == 3) {
                    changes.add(parts);
                }
            }
        } else {
            // interrupted between fetching and recording the changes: everything that differs
            // from the snapshot is the fetch's doing
            changes = diff(parse(read(Path.of(beforeFile.get()))), snapshot(cli, ctx.recorded(Keys.REMOTE).get()));
        }
        int undone = 0;
        for (String[] c : changes) {
            String ref = c[0];
            String old = c[1];
            String fetched = c[2];
            String now = cli.refValue(ref).orElse(ABSENT);
            if (now.equals(old)) {
                continue;
            }
            if (!now.equals(fetched)) {
                ctx.logger().warn("{} in {} moved after the fetch (now {}): left alone", ref, cli.repo(), now);
                continue;
            }
            if (old.equals(ABSENT)) {
                cli.exec(List.of("update-ref", "-d", ref, now), Set.of(0));
            } else {
                cli.exec(List.of("update-ref", ref, old, now.equals(ABSENT) ? "" : now), Set.of(0));
            }
            undone++;
        }
        ctx.logger().info("put back {} ref(s) in {}", undone, cli.repo());
    }

    static Map<String, String> snapshot(GitCli cli, String remote) {
        String out = cli.run("for-each-ref", "--format=%(objectname) %(refname)",
                "refs/remotes/" + remote + "/", "refs/tags/");
        return parse(out);
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> refs = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                refs.put(line.substring(sp + 1).strip(), line.substring(0, sp));
            }
        }
        return refs;
    }

    private static String snapshotText(Map<String, String> refs) {
        StringBuilder b = new StringBuilder();
        refs.forEach((ref, sha) -> b.append(sha).append(' ').append(ref).append('\n'));
        return b.toString();
    }

    /** ref, old value, new value ({@code -} when absent) of every ref that differs. */
    private static List<String[]> diff(Map<String, String> before, Map<String, String> after) {
        Set<String> refs = new LinkedHashSet<>(before.keySet());
        refs.addAll(after.keySet());
        List<String[]> changes = new ArrayList<>();
        for (String ref : refs) {
            String old = before.getOrDefault(ref, ABSENT);
            String now = after.getOrDefault(ref, ABSENT);
            if (!old.equals(now)) {
                changes.add(new String[] {ref, old, now});
            }
        }
        return changes;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BackstepException("cannot write the ref snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GitException(Reason.UNDO_DATA_MISSING, null, "the ref snapshot " + file
                    + " recorded by the fetch is gone or unreadable, so its ref changes cannot be undone", e);
        }
    }
}
