package dev.backstep.rehearse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RehearsalRefusedException;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.spi.Journal;
import dev.backstep.testkit.StepHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Runner#rehearse} on real files and release directories. */
class RehearsalTest {
    private static final String ENV = "# shop\nAPP_VERSION=1.2.0\nMAIL_HOST=smtp\n";

    @TempDir
    Path tmp;
    private Path base;
    private Path env;
    private Path nginx;
    private Release shop;
    private Journal journal;
    private Runner runner;

    @BeforeEach
    void firstRelease() throws Exception {
        base = Files.createDirectories(tmp.resolve("shop"));
        env = Files.writeString(Files.createDirectories(base.resolve("shared")).resolve(".env"), ENV);
        chmod(env, "rw-r-----");
        nginx = Files.writeString(Files.createDirectories(tmp.resolve("nginx")).resolve("shop.conf"), "old\n");
        chmod(nginx, "rw-r--r--");
        shop = Release.in(base);
        journal = Journal.inMemory();
        runner = Backstep.runner().stateDir(tmp.resolve("state")).journal(journal).build();
        assertThat(runner.run(Plan.named("deploy shop 1.2.0").target("shop")
                .step(shop.deploy("1.2.0", build("1.2.0"))).step(shop.markGood("1.2.0")).build()).succeeded())
                .isTrue();
    }

    private Plan deployPlan() throws IOException {
        return Plan.named("deploy shop 1.3.0").target("shop")
                .step(ConfigFile.replace(nginx, "server { listen 80; }\n").mode("0640"))
                .step(ConfigFile.edit(env).set("APP_VERSION", "1.3.0").set("CACHE", "redis"))
                .step(shop.deploy("1.3.0", build("1.3.0")))
                .step(shop.markGood("1.3.0"))
                .build();
    }

    @Test
    void aFilesAndReleasePlanIsRestoredExactlyAndThenAppliedAgain() throws Exception {
        Rehearsal r = runner.rehearse(deployPlan());

        assertThat(r.restoredExactly()).as(r.toText()).isTrue();
        assertThat(r.differences()).isEmpty();
        assertThat(r.forwardCompleted()).isTrue();
        assertThat(r.rollbackRun().status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.rollbackRun().failedStep()).contains(Rehearsal.FORCED_ROLLBACK_STEP);
        assertThat(r.rollbackRun().compensated()).containsExactly("mark 1.3.0 good",
                "deploy 1.3.0", "edit " + env, "replace " + nginx);
        assertThat(r.before()).extracting(Fingerprint::resource)
                .containsExactly("file:" + nginx, "file:" + env, "release:" + base);
        assertThat(r.afterRollback()).isEqualTo(r.before());
        assertThat(r.before().get(0).facts()).containsEntry("mode", "rw-r--r--").containsEntry("exists", "true")
                .containsKeys("sha256", "uid", "gid", "size");
        assertThat(r.before().get(2).facts()).containsEntry("current", "releases/1.2.0").containsEntry("good", "1.2.0")
                .containsKey("release 1.2.0");
        assertThat(r.notFingerprinted()).isEmpty();

        assertThat(r.secondRun()).isPresent();
        assertThat(r.secondRun().get().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.reapplied()).isTrue();
        assertThat(Files.readString(nginx)).isEqualTo("server { listen 80; }\n");
        assertThat(mode(nginx)).isEqualTo("rw-r-----");
        assertThat(Files.readString(env)).contains("APP_VERSION=1.3.0").contains("CACHE=redis");
        assertThat(mode(env)).isEqualTo("rw-r-----");
        assertThat(shop.current()).contains("1.3.0");
        assertThat(shop.good()).contains("1.3.0");
        assertThat(runner.history("shop")).extracting(s -> s.status().orElseThrow())
                .containsExactly(RunStatus.SUCCEEDED, RunStatus.ROLLED_BACK, RunStatus.SUCCEEDED);
        assertThat(r.toText()).contains("restored:  exactly").contains("again:     SUCCEEDED");
    }

    @Test
    void aFirstDeployIntoAnEmptyBaseIsRestoredExactly() throws Exception {
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Release app = Release.in(fresh);
        Plan plan = Plan.named("first deploy").step(app.deploy("1.0.0", build("1.0.0"))).build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r.restoredExactly()).as(r.toText()).isTrue();
        assertThat(r.reapplied()).isTrue();
        assertThat(app.current()).contains("1.0.0");
    }

    @Test
    void aCompensationThatForgetsTheModeIsCaughtAndThePlanIsNotAppliedAgain() throws Exception {
        Path secret = Files.writeString(tmp.resolve("app.key"), "key-1\n");
        chmod(secret, "rw-r-----");
        Plan plan = Plan.named("rotate key").step(new ForgetsModeStep(secret)).build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r.restoredExactly()).as(r.toText()).isFalse();
        assertThat(r.forwardCompleted()).isTrue();
        assertThat(r.rollbackRun().status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.differences()).containsExactly("file:" + secret + ": mode rw-r----- -> rw-------");
        assertThat(r.secondRun()).isEmpty();
        assertThat(r.reapplied()).isFalse();
        assertThat(Files.readString(secret)).isEqualTo("key-1\n"); // the content was restored, the mode was not
        assertThat(mode(secret)).isEqualTo("rw-------");
        assertThat(r.toText()).contains("NOT exactly, 1 difference(s)")
                .contains("file:" + secret + ": mode rw-r----- -> rw-------")
                .contains("not run (the rollback was not exact)");
        assertThat(runner.history("rotate key")).hasSize(1);
    }

    @Test
    void aCompensationThatLeavesAStrayFileIsCaught() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Files.writeString(cache.resolve("a.bin"), "a");
        Plan plan = Plan.named("warm cache").step(new LeavesStrayFileStep(cache)).build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r.restoredExactly()).isFalse();
        assertThat(r.differences()).containsExactly("dir:" + cache + ": entries a.bin -> a.bin, warm.lock");
        assertThat(r.secondRun()).isEmpty();
    }

    @Test
    void fingerprintingChangesNothing() throws Exception {
        Plan plan = deployPlan();
        FileTimes before = FileTimes.of(tmp);

        List<Fingerprint> first = fingerprints(plan);
        List<Fingerprint> second = fingerprints(plan);

        assertThat(second).isEqualTo(first);
        assertThat(FileTimes.of(tmp)).isEqualTo(before);
        assertThat(journal.runIds()).hasSize(1);
    }

    @Test
    void aRenamedOrRetimedStepStillDescribesItsResources() throws Exception {
        Step step = ConfigFile.replace(nginx, "x").withName("nginx").withTimeout(java.time.Duration.ofSeconds(5));

        List<Fingerprint> f = StepHarness.of(step).fingerprint();

        assertThat(f).singleElement().satisfies(fp -> {
            assertThat(fp.resource()).isEqualTo("file:" + nginx);
            assertThat(fp.fact("mode")).isEqualTo("rw-r--r--");
        });
    }

    @Test
    void aPlanWithAPivotIsRefusedBeforeAnythingRuns() throws Exception {
        Path marker = tmp.resolve("marker");
        Plan plan = Plan.named("bill").target("billing")
                .step(ConfigFile.replace(nginx, "new\n"))
                .step(Step.named("charge cards").action(ctx -> Files.writeString(marker, "charged")).build().asPivot())
                .build();

        assertThatThrownBy(() -> runner.rehearse(plan))
                .isInstanceOf(RehearsalRefusedException.class)
                .hasMessageContaining("plan 'bill' cannot be rehearsed")
                .hasMessageContaining("step 'charge cards' is a pivot")
                .hasMessageContaining("nothing was changed")
                .satisfies(e -> assertThat(((RehearsalRefusedException) e).steps()).containsExactly("charge cards"));
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(nginx)).isEqualTo("old\n");
        assertThat(runner.history("billing")).isEmpty();
    }

    @Test
    void aPlanWithAnIrreversibleStepIsRefusedBeforeAnythingRuns() {
        Plan plan = Plan.named("notify")
                .step(ConfigFile.replace(nginx, "new\n"))
                .step(Step.named("mail customers").action(ctx -> { })
                        .compensation(Compensation.none("e-mails cannot be unsent")).build())
                .build();

        assertThatThrownBy(() -> runner.rehearse(plan))
                .isInstanceOf(RehearsalRefusedException.class)
                .hasMessageContaining("step 'mail customers' cannot be undone (e-mails cannot be unsent)");
        assertThat(runner.history("notify")).isEmpty();
    }

    @Test
    void aStepNamedLikeTheForcedVerificationIsRefused() {
        Plan plan = Plan.named("odd").step(Step.named(Rehearsal.FORCED_ROLLBACK_STEP).action(ctx -> { })
                .compensation(ctx -> { }).build()).build();

        assertThatThrownBy(() -> runner.rehearse(plan))
                .isInstanceOf(RehearsalRefusedException.class)
                .hasMessageContaining("has the name of the rehearsal's own verification");
    }

    @Test
    void anInvalidStepFailsValidationBeforeAnythingChanges() throws Exception {
        Plan plan = Plan.named("bad")
                .step(ConfigFile.replace(nginx, "new\n"))
                .step(shop.rollbackTo("9.9.9"))
                .build();

        assertThatThrownBy(() -> runner.rehearse(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("release 9.9.9 does not exist");
        assertThat(Files.readString(nginx)).isEqualTo("old\n");
        assertThat(runner.history("bad")).isEmpty();
    }

    @Test
    void aStepThatCannotDescribeItsResourcesIsRefusedBeforeAnythingChanges() {
        Step broken = new Step() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void execute(StepContext ctx) {
            }

            @Override
            public Compensation compensation() {
                return ctx -> { };
            }

            @Override
            public String describe() {
                return "broken";
            }

            @Override
            public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
                throw new IOException("disk on fire");
            }
        };
        Plan plan = Plan.named("broken plan").step(ConfigFile.replace(nginx, "new\n")).step(broken).build();

        assertThatThrownBy(() -> runner.rehearse(plan))
                .isInstanceOf(RehearsalRefusedException.class)
                .hasMessageContaining("step 'broken' cannot describe its resources (nothing was changed): disk on fire");
        assertThat(runner.history("broken plan")).isEmpty();
    }

    @Test
    void aPlanThatFailsOnItsOwnIsNotCountedAsRestoredNorAppliedAgain() throws Exception {
        Plan plan = Plan.named("failing")
                .step(ConfigFile.replace(nginx, "new\n"))
                .step(Step.named("migrate").action(ctx -> {
                    throw new IllegalStateException("migration 42 failed");
                }).compensation(ctx -> { }).build())
                .build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r.rollbackRun().status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.forwardCompleted()).isFalse();
        assertThat(r.differences()).isEmpty();
        assertThat(r.restoredExactly()).isFalse();
        assertThat(r.secondRun()).isEmpty();
        assertThat(r.toText()).contains("stopped at step 'migrate'");
        assertThat(Files.readString(nginx)).isEqualTo("old\n");
    }

    @Test
    void aFailingCompensationEndsTheRehearsalWithoutASecondRun() throws Exception {
        Plan plan = Plan.named("stuck")
                .step(ConfigFile.replace(nginx, "new\n"))
                .step(Step.named("lock").action(ctx -> { })
                        .compensation(ctx -> {
                            throw new IllegalStateException("cannot unlock");
                        }).build())
                .build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r.rollbackRun().status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(r.restoredExactly()).isFalse();
        assertThat(r.secondRun()).isEmpty();
        assertThat(r.notFingerprinted()).containsExactly("lock");
    }

    @Test
    void commandsRunAndRollBackButAreListedAsUnchecked() throws Exception {
        Path out = tmp.resolve("touched");
        Plan plan = Plan.named("with a command")
                .step(ConfigFile.replace(nginx, "new\n"))
                .step(Command.of("touch", out.toString()).compensatedBy("rm", "-f", out.toString()))
                .build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r.restoredExactly()).as(r.toText()).isTrue();
        assertThat(r.notFingerprinted()).hasSize(1);
        assertThat(r.toText()).contains("unchecked: ");
        assertThat(r.reapplied()).isTrue();
        assertThat(out).exists();
    }

    @Test
    void fingerprintsAreSortedImmutableAndDiffedFactByFact() {
        Fingerprint a = new Fingerprint("file:/srv/shop/.env", Map.of("sha256", "abc", "mode", "rw-r-----"));
        Fingerprint b = new Fingerprint("file:/srv/shop/.env", Map.of("sha256", "abc", "mode", "rw-------",
                "link", "/x"));
        Fingerprint gone = Fingerprint.of("git:/srv/src", "HEAD", "1234");

        assertThat(a.facts().keySet()).containsExactly("mode", "sha256");
        assertThatThrownBy(() -> a.facts().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Fingerprint.differences(List.of(a, gone), List.of(b))).containsExactly(
                "file:/srv/shop/.env: link (absent) -> /x",
                "file:/srv/shop/.env: mode rw-r----- -> rw-------",
                "git:/srv/src: described before {HEAD=1234}, not described after");
        assertThat(Fingerprint.differences(List.of(a), List.of(a))).isEmpty();
        assertThat(Fingerprint.merge(List.of(a, Fingerprint.of("file:/srv/shop/.env", "uid", "33"))))
                .singleElement().satisfies(m -> assertThat(m.facts()).containsOnlyKeys("mode", "sha256", "uid"));
        assertThatThrownBy(() -> new Fingerprint(" ", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fingerprint("file:/x", Map.of(" ", "v")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<Fingerprint> fingerprints(Plan plan) throws Exception {
        List<Fingerprint> out = new java.util.ArrayList<>();
        for (Step s : plan.steps()) {
            out.addAll(StepHarness.of(s).fingerprint());
        }
        return out;
    }

    private Path build(String version) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(dir.resolve("index.php"), "<?php echo '" + version + "';\n");
        Path sub = Files.createDirectories(dir.resolve("bin"));
        Path run = Files.writeString(sub.resolve("run"), "#!/bin/sh\n");
        chmod(run, "rwxr-x---");
        return dir;
    }

    static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Every path under a root with its modification time, for proving nothing was touched. */
    record FileTimes(Map<String, String> times) {
        static FileTimes of(Path root) throws IOException {
            Map<String, String> m = new java.util.TreeMap<>();
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.toList()) {
                    m.put(root.relativize(p).toString(), Files.getLastModifiedTime(p,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS).toString());
                }
            }
            return new FileTimes(m);
        }
    }
}
