package dev.backstep.cli;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.db.Db;
import dev.backstep.files.ConfigFile;
import dev.backstep.git.Git;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The system the command's tests roll back, on real resources: a git working copy with tags v0..v3,
 * an {@code app.env}, a SQLite database, and the deploy plans of target {@code shop} (and of its
 * service {@code shop/api}), run in-process or by {@link DeployChild}.
 */
final class Deploys {
    final Path root;

    Deploys(Path root) {
        this.root = root;
    }

    Path work() {
        return root.resolve("work");
    }

    Path repo() {
        return work().resolve("app");
    }

    Path env() {
        return work().resolve("app.env");
    }

    Path apiEnv() {
        return work().resolve("api.env");
    }

    Path db() {
        return work().resolve("shop.db");
    }

    Path state() {
        return root.resolve("state");
    }

    /** A repo with a commit per version v0..v3 (tagged), checked out at v0; app.env at v0; a database. */
    void prepare() throws Exception {
        Files.createDirectories(repo());
        git("init", "-q");
        git("config", "user.email", "ops@example.org");
        git("config", "user.name", "ops");
        for (String v : List.of("v0", "v1", "v2", "v3")) {
            Files.writeString(repo().resolve("VERSION"), v + "\n");
            git("add", "VERSION");
            git("commit", "-q", "-m", v);
            git("tag", v);
        }
        git("checkout", "-q", "v0");
        Files.writeString(env(), "APP_VERSION=v0\n");
        Files.writeString(apiEnv(), "API_VERSION=v0\n");
        sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, what TEXT)", "INSERT INTO orders VALUES (1, 'first')");
    }

    Runner runner(Journal journal) {
        return Backstep.runner().journal(journal).stateDir(state()).build();
    }

    /** {@code deploy shop V}: a database snapshot (v2 and later), the code, app.env; a failing health check when asked. */
    Plan deploy(String version, boolean failHealth) {
        Plan.Builder p = Plan.named("deploy shop " + version).target("shop");
        if (!"v1".equals(version)) {
            p.step(Db.sqlite(db()).snapshot(work().resolve("backups")).restoreOnRollback().withName("snapshot shop.db"));
        }
        p.step(Git.checkout(repo(), version)).step(ConfigFile.replace(env(), "APP_VERSION=" + version + "\n")
                .withName("configure app.env"));
        if (failHealth) {
            p.verify(Step.verification("health", ctx -> {
                throw new IllegalStateException("health check: expected 200 but was 503");
            }));
        }
        return p.build();
    }

    /** {@code deploy shop/api V}: the api service's own config only. */
    Plan deployApi(String version) {
        return Plan.named("deploy shop/api " + version).target("shop/api")
                .step(ConfigFile.replace(apiEnv(), "API_VERSION=" + version + "\n").withName("configure api.env")).build();
    }

    void git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }

    String gitOut(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed");
        }
        return out;
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    List<String> rows() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, what FROM orders ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "," + rs.getString(2));
            }
        }
        return out;
    }

    /** What a deploy changes: git HEAD and status, and every file's bytes outside .git, backups and the database. */
    Map<String, String> fingerprint() throws Exception {
        Map<String, String> out = files(work(), true);
        out.put("git HEAD", gitOut("rev-parse", "HEAD"));
        out.put("git status", gitOut("status", "--porcelain"));
        return out;
    }

    /** Every file and link under {@code dir} (for "nothing changed" checks: journal, locks, backups, .git too). */
    static Map<String, String> files(Path dir, boolean deployedOnly) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String rel = dir.relativize(p).toString();
                if (deployedOnly && (rel.startsWith("app/.git") || rel.startsWith("backups") || rel.startsWith("shop.db"))) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p) && p.getParent().getFileName().toString().equals("locks")) {
                    // never opened: closing any descriptor of a lock file drops this process's OS lock on it
                    out.put(rel, Files.size(p) + " bytes, modified " + Files.getLastModifiedTime(p) + " "
                            + Files.getPosixFilePermissions(p));
                } else if (Files.isRegularFile(p)) {
                    try {
                        out.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(Files.readAllBytes(p))) + " " + Files.getPosixFilePermissions(p));
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    out.put(rel + "/", String.valueOf(Files.getPosixFilePermissions(p)));
                }
            }
        }
        return out;
    }
}
