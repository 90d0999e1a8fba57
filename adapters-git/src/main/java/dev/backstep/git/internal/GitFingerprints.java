package dev.backstep.git.internal;

import dev.backstep.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only fingerprints of a repository, resource {@code git:<top level>}: HEAD, branch, work
 * tree status, stash, refs. Every git command runs with optional locks off, so not even the index
 * is refreshed. Reflogs, {@code ORIG_HEAD} and {@code FETCH_HEAD} are history, not state, and
 * ignored files are not listed: none of them is described.
 */
public final class GitFingerprints {
    /** Output bigger than this fails the fingerprint rather than describing a truncated state. */
    static final int LIMIT = 64 * 1024 * 1024;

    private GitFingerprints() {
    }

    /**
     * {@code HEAD} (commit), {@code branch} (or {@code (detached)}), {@code status} ({@code clean}
     * or the sha256 of {@code git status --porcelain=v1 -z --untracked-files=all}),
     * {@code changed} (the paths it lists) and {@code stash} (the stash commits, newest first).
     */
    public static Fingerprint head(GitCli cli) {
        Map<String, String> facts = new TreeMap<>();
        facts.put("HEAD", cli.resolveCommit("HEAD").orElse("(unborn)"));
        facts.put("branch", cli.branch().orElse("(detached)"));
        String status = cli.readAll(LIMIT, "status", "--porcelain=v1", "-z", "--untracked-files=all");
        facts.put("status", status.isEmpty() ? "clean" : "sha256 " + sha256(status));
        List<String> changed = changedPaths(status);
        facts.put("changed", changed.isEmpty() ? "(none)" : String.join(", ", changed));
        List<String> stash = cli.stashCommits();
        facts.put("stash", stash.isEmpty() ? "(empty)" : String.join(" ", stash));
        return new Fingerprint(resource(cli), facts);
    }

    /** One fact {@code ref <name>} per ref under the prefixes ({@code refs/tags/}), its object id. */
    public static Fingerprint refs(GitCli cli, String... prefixes) {
        List<String> args = new ArrayList<>(List.of("for-each-ref", "--format=%(objectname) %(refname)"));
        args.addAll(List.of(prefixes));
        String out = cli.readAll(LIMIT, args.toArray(String[]::new));
        Map<String, String> facts = new TreeMap<>();
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                facts.put("ref " + line.substring(sp + 1), line.substring(0, sp));
            }
        }
        for (String prefix : prefixes) {
            facts.put("refs under " + prefix, Long.toString(facts.keySet().stream()
                    .filter(k -> k.startsWith("ref " + prefix)).count()));
        }
        return new Fingerprint(resource(cli), facts);
    }

    static String resource(GitCli cli) {
        return "git:" + cli.repo();
    }

    /** The paths of {@code -z} porcelain v1 output; a rename or copy names both paths. */
    static List<String> changedPaths(String z) {
        List<String> paths = new ArrayList<>();
        String[] entries = z.split("\0");
        for (int i = 0; i < entries.length; i++) {
            String e = entries[i];
            if (e.length() < 4) {
                continue;
            }
            String xy = e.substring(0, 2);
            String path = e.substring(3);
            if ((xy.charAt(0) == 'R' || xy.charAt(0) == 'C') && i + 1 < entries.length) {
                path = entries[++i] + " -> " + path;
            }
            paths.add(xy.strip() + " " + path);
        }
        paths.sort(null);
        return paths;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
