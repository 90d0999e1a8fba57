package dev.backstep.git;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalOptions;
import dev.backstep.RehearsalRefusedException;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Runner#rehearse} of plans that move real git repositories, files and releases. */
class GitRehearsalTest extends TwoCommitRepoTest {
    Path srv;
    Path env;
    Path conf;
    Release shop;
    Runner runner;

    @BeforeEach
    void setUp() throws IOException {
        srv = Files.createDirectories(tmp.resolve("srv"));
        env = Files.writeString(Files.createDirectories(srv.resolve("shared")).resolve(".env"),
                "APP_VERSION=2.0.0\nMAIL_HOST=smtp\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));
        conf = Files.writeString(srv.resolve("shop.conf"), "listen 80;\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        shop = Release.in(srv);
        runner = Backstep.runner().stateDir(tmp.resolve("state")).commands(sb.commands()).build();
        assertThat(runner.run(Plan.named("first").target("shop").step(shop.deploy("2.0.0", build("2.0.0"))).build()))
                .succeeded();
    }

    private Plan rollbackToV1() throws IOException {
        return Plan.named("roll shop back to v1.0.0").target("shop")
                .step(ConfigFile.replace(conf, "listen 8080;\n").mode("0640"))
                .step(ConfigFile.edit(env).set("APP_VERSION", "1.0.0"))
                .step(shop.deploy("1.0.0", build("1.0.0")))
                .step(Git.checkout(repo, "v1.0.0"))
                .build();
    }

    @Test
    void filesReleasesAndACheckoutAreRestoredExactlyThenAppliedAgain() throws Exception {
        Rehearsal r = runner.rehearse(rollbackToV1());

        assertThat(r).restoredExactly().reapplied().rollbackEnded(RunStatus.ROLLED_BACK);
        assertThat(r.differences()).isEmpty();
        Fingerprint git = r.before().stream().filter(f -> f.resource().startsWith("git:")).findFirst().orElseThrow();
        assertThat(git.facts()).containsEntry("HEAD", c2).containsEntry("branch", "main")
                .containsEntry("status", "clean").containsEntry("changed", "(none)").containsEntry("stash", "(empty)");
        assertThat(r.before()).extracting(Fingerprint::resource).containsExactly("file:" + conf, "file:" + env,
                "release:" + srv, git.resource());
        assertThat(r.secondRun().orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        sb.assertAt(repo, c1, "(detached)", "v1");
        assertThat(Files.readString(conf)).isEqualTo("listen 8080;\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf))).isEqualTo("rw-r-----");
        assertThat(Files.readString(env)).isEqualTo("APP_VERSION=1.0.0\nMAIL_HOST=smtp\n");
        assertThat(shop.current()).contains("1.0.0");
    }

    @Test
    void everyFailurePointOfAFilesReleaseAndCheckoutPlanIsRestoredExactly() throws Exception {
        RehearsalMatrix m = runner.rehearse(rollbackToV1(), RehearsalOptions.everyStep());

        assertThat(m).restoredExactlyAtEveryPoint().cleanRunSucceeded();
        assertThat(m.points()).extracting(RehearsalMatrix.Point::label).containsExactly("after 'replace " + conf + "'",
                "after 'edit " + env + "'", "after 'deploy 1.0.0'", "after 'git checkout v1.0.0'");
        assertThat(m.resources()).hasSize(4).last().asString().startsWith("git:");
        assertThat(m.points()).allSatisfy(p -> assertThat(m.resources())
                .allSatisfy(r -> assertThat(p.cell(r)).isEqualTo(RehearsalMatrix.Cell.EQUAL)));
        sb.assertAt(repo, c1, "(detached)", "v1");
        assertThat(shop.current()).contains("1.0.0");
    }

    @Test
    void aCheckoutAfterASloppyThirdStepShowsOnlyTheThirdPoint() throws Exception {
        Path key = Files.writeString(srv.resolve("app.key"), "key-1\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        Step sloppy = Step.named("rotate app.key").action(ctx -> {
            ctx.record("previous", Files.readString(key));
            Path tmpKey = key.resolveSibling("app.key.new");
            Files.writeString(tmpKey, "key-2\n");
            Files.setPosixFilePermissions(tmpKey, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmpKey, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }).compensation(ctx -> {
            if (ctx.recorded("previous").isPresent()) {
                Files.writeString(key, ctx.recorded("previous").get()); // forgets the mode the key had
            }
        }).fingerprint(ctx -> List.of(new Fingerprint("file:" + key, Map.of("content", Files.readString(key).strip(),
                "mode", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))))).build();
        Plan plan = Plan.named("rotate").target("shop").step(ConfigFile.replace(conf, "listen 8080;\n"))
                .step(Git.checkout(repo, "v1.0.0")).step(sloppy).step(shop.deploy("1.0.0", build("1.0.0"))).build();

        RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).notRestoredOnlyAt(3).hasDifferenceAt(3, "file:" + key + ": mode rw-r----- -> rw-------");
        assertThat(m.points().get(2).differences()).containsExactly("file:" + key + ": mode rw-r----- -> rw-------");
        assertThat(m.points().get(3).rehearsed()).isFalse();
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void aStashedDirtyWorkTreeComesBackExactly() throws Exception {
        GitSandbox.write(repo.resolve("local.cfg"), "keep me");
        GitSandbox.write(repo.resolve("app.txt"), "v2 patched locally");
        Plan plan = Plan.named("checkout with local changes").step(Git.checkout(repo, "v1.0.0").stashChanges())
                .step(Git.tag(repo, "deployed")).build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r).restoredExactly().reapplied();
        Fingerprint git = r.before().get(0);
        assertThat(git.fact("changed")).isEqualTo("?? local.cfg, M app.txt");
        assertThat(git.fact("status")).startsWith("sha256 ");
        assertThat(git.facts()).containsKey("ref refs/tags/v1.0.0").containsEntry("refs under refs/tags/", "1");
        assertThat(r.afterRollback()).isEqualTo(r.before());
        assertThat(sb.git(repo, "tag", "--list")).isEqualTo("deployed\nv1.0.0");
    }

    @Test
    void aFetchAPullAndATagAreRestoredExactly() throws Exception {
        Path origin = sb.newBare();
        sb.git(repo, "push", "-q", origin.toString(), "main", "v1.0.0");
        Path work = sb.cloneOf(origin);
        sb.git(work, "reset", "-q", "--hard", c1);
        Path other = sb.cloneOf(origin);
        String c3 = sb.commit(other, "app.txt", "v3", "third");
        sb.git(other, "tag", "v3.0.0");
        sb.git(other, "push", "-q", "origin", "main", "v3.0.0");
        Plan plan = Plan.named("update bot")
                .step(Git.fetch(work, "origin"))
                .step(Git.pull(work, "origin", "main"))
                .step(Git.tag(work, "deployed"))
                .build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r).restoredExactly().reapplied();
        assertThat(r.before().get(0).facts()).containsEntry("HEAD", c1).containsEntry("ref refs/remotes/origin/main", c2)
                .doesNotContainKey("ref refs/tags/v3.0.0");
        assertThat(sb.head(work)).isEqualTo(c3);
        assertThat(sb.git(work, "tag", "--list")).contains("deployed", "v3.0.0");
    }

    @Test
    void aStepThatLeavesAStrayTagIsCaughtByTheTagStepsFingerprint() {
        Step sloppy = Step.named("tag the build").action(ctx -> sb.git(repo, "tag", "build-42"))
                .compensation(ctx -> { }) // forgets to delete the tag
                .build();
        Plan plan = Plan.named("sloppy").step(Git.tag(repo, "deployed")).step(sloppy).build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r).notRestoredExactly().notReapplied()
                .hasDifference("git:" + sb.git(repo, "rev-parse", "--show-toplevel") + ": ref refs/tags/build-42 (absent) -> " + c2)
                .hasDifference("refs under refs/tags/ 1 -> 2");
        assertThat(r.toText()).contains("ref refs/tags/build-42 (absent) -> " + c2);
    }

    /** A build step that writes build.log into the work tree and whose undo leaves it behind. */
    private Step sloppyBuild() {
        return Step.named("build").action(ctx -> GitSandbox.write(repo.resolve("build.log"), "ok"))
                .compensation(ctx -> { }) // leaves build.log behind
                .build();
    }

    @Test
    void aStepThatLeavesAnUntrackedFileIsCaughtByTheCheckoutsFingerprint() {
        Step sloppy = sloppyBuild();
        Plan plan = Plan.named("sloppy build").step(Git.checkout(repo, "main")).step(sloppy).build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r).notRestoredExactly().notReapplied().rollbackEnded(RunStatus.ROLLED_BACK)
                .hasDifference(": changed (none) -> ?? build.log")
                .hasDifference(": status clean -> sha256 ");
        assertThat(r.notFingerprinted()).containsExactly("build");
    }

    @Test
    void aStrayFileThatTheCheckoutsUndoHadToStashIsCaught() {
        Step sloppy = sloppyBuild();
        Plan plan = Plan.named("sloppy build").step(Git.checkout(repo, "v1.0.0")).step(sloppy).build();

        Rehearsal r = runner.rehearse(plan);

        // moving HEAD back over an untracked file, the checkout's undo keeps it in a stash entry
        assertThat(r).notRestoredExactly().notReapplied().hasDifference(": stash (empty) -> ");
        assertThat(sb.stashList(repo)).contains("backstep");
        sb.assertAt(repo, c2, "main", "v2");
    }

    @Test
    void fingerprintingARepositoryChangesNothingNotEvenTheIndex() throws Exception {
        GitSandbox.write(repo.resolve("untracked.txt"), "u");
        Path app = repo.resolve("app.txt");
        // same content, other mtime: a plain `git status` would refresh (rewrite) the index
        Files.setLastModifiedTime(app, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path index = repo.resolve(".git/index");
        Files.setLastModifiedTime(index, FileTime.from(Instant.parse("2021-01-01T00:00:00Z")));
        byte[] indexBytes = Files.readAllBytes(index);
        Map<String, String> times = times(repo);
        List<Step> steps = List.of(Git.checkout(repo, "v1.0.0"), Git.resetHard(repo, "HEAD"),
                Git.tag(repo, "x"), Git.pull(repo, "origin", "main"), Git.fetch(repo, "origin"));

        List<Fingerprint> first = new ArrayList<>();
        List<Fingerprint> second = new ArrayList<>();
        for (Step s : steps) {
            first.addAll(GitHarness.harness(sb.commands(), sb, s).fingerprint());
            second.addAll(GitHarness.harness(sb.commands(), sb, s).fingerprint());
        }

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(index)).isEqualTo(indexBytes);
        assertThat(times(repo)).isEqualTo(times);
        assertThat(sb.head(repo)).isEqualTo(c2);
        assertThat(sb.branch(repo)).isEqualTo("main");
        assertThat(first.get(0).fact("changed")).isEqualTo("?? untracked.txt");
        // the control: without --no-optional-locks git does rewrite the index here
        sb.git(repo, "status");
        assertThat(Files.getLastModifiedTime(index)).isNotEqualTo(FileTime.from(Instant.parse("2021-01-01T00:00:00Z")));
    }

    @Test
    void aStagedRenameIsDescribedWithBothPaths() throws Exception {
        sb.git(repo, "mv", "app.txt", "renamed.txt");
        Step checkout = Git.checkout(repo, "v1.0.0");

        Fingerprint f = GitHarness.harness(sb.commands(), sb, checkout).fingerprint().get(0);

        assertThat(f.fact("changed")).isEqualTo("R app.txt -> renamed.txt");
        assertThat(f.resource()).isEqualTo("git:" + sb.git(repo, "rev-parse", "--show-toplevel"));
    }

    @Test
    void aPlanWithAPivotIsRefusedAndTheRepositoryIsUntouched() {
        Plan plan = Plan.named("publish").step(Git.checkout(repo, "v1.0.0"))
                .step(Git.tag(repo, "released").asPivot()).build();

        assertThatThrownBy(() -> runner.rehearse(plan))
                .isInstanceOf(RehearsalRefusedException.class)
                .hasMessageContaining("step 'git tag released' is a pivot");
        sb.assertAt(repo, c2, "main", "v2");
        assertThat(sb.git(repo, "tag", "--list")).isEqualTo("v1.0.0");
        assertThat(runner.history("publish")).isEmpty();
    }

    private Path build(String version) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(dir.resolve("index.php"), "<?php echo '" + version + "';\n");
        return dir;
    }

    /** Every path under a root (the .git directory included) with its modification time. */
    private static Map<String, String> times(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(root.relativize(p).toString(), Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toString());
            }
        }
        return m;
    }
}
