package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import dev.backstep.spi.StepRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file and release steps run by the real engine: live rollback, later rollback, recovery. */
class FilesRunnerIT {
    private static final String ENV = "# shop\nAPP_VERSION=1.2.0\nDB_PASSWORD=hunter2\n\n# mail\nMAIL_HOST=smtp\n";

    @TempDir
    Path tmp;
    private Path base;
    private Path env;
    private Path nginx;
    private Release shop;

    @BeforeEach
    void firstRelease() throws Exception {
        base = Files.createDirectories(tmp.resolve("shop"));
        env = Files.writeString(Files.createDirectories(base.resolve("shared")).resolve(".env"), ENV);
        Fs.chmod(env, "0640");
        nginx = Files.createDirectories(tmp.resolve("nginx")).resolve("shop.conf");
        shop = Release.in(base);
        RunResult first = runner().run(Plan.named("deploy shop 1.2.0").target("shop")
                .step(shop.deploy("1.2.0", build("1.2.0"))).step(shop.markGood("1.2.0")).build());
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    /** Only what {@code compensations()} of the facades offer: no plan, no step object. */
    private static StepRegistry registryOfTypes() {
        return StepRegistry.custom().registerAll(ConfigFile.compensations()).registerAll(Release.compensations())
                .build();
    }

    private Runner runner() {
        return Backstep.runner().stateDir(tmp.resolve("state")).build();
    }

    private Path build(String version) throws IOException {
        Path b = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(b.resolve("index.php"), version);
        return b;
    }

    private Plan deploy13(Step last) throws IOException {
        return Plan.named("deploy shop 1.3.0").target("shop")
                .step(shop.deploy("1.3.0", build("1.3.0")))
                .step(ConfigFile.edit(env).set("APP_VERSION", "1.3.0").set("DB_PASSWORD", Secret.of("swordfish"))
                        .set("FEATURE_X", "on"))
                .step(ConfigFile.replace(nginx, "server { root /srv/shop/current; }\n").mode("0644"))
                .step(last)
                .build();
    }

    private void assertBackToRelease120() throws IOException {
        assertThat(shop.current()).contains("1.2.0");
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.2.0");
        assertThat(Files.readString(env)).isEqualTo(ENV);
        assertThat(Fs.mode(env)).isEqualTo("0640");
        assertThat(nginx).doesNotExist();
        assertThat(Fs.names(nginx.getParent())).isEmpty();
        assertThat(shop.pendingRollbackTargets()).isEmpty();
    }

    @Test
    void aFailingVerificationRollsBackTheReleaseSwitchAndTheConfigChanges() throws Exception {
        Plan plan = deploy13(Step.verification("smoke test", ctx -> {
            assertThat(Files.readString(base.resolve("current/index.php"))).isEqualTo("1.3.0");
            assertThat(Files.readString(env)).contains("APP_VERSION=1.3.0", "DB_PASSWORD=swordfish", "FEATURE_X=on");
            assertThat(Fs.mode(nginx)).isEqualTo("0644");
            throw new IllegalStateException("GET /health returned 500");
        }));

        RunResult result = runner().run(plan);

        assertThat(result.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(result.failedStep()).contains("smoke test");
        assertThat(result.compensated()).containsExactly("replace " + nginx, "edit " + env, "deploy 1.3.0");
        assertBackToRelease120();
        assertThat(result.report().toText()).doesNotContain("swordfish").doesNotContain("hunter2");
        assertOwnerOnly(tmp.resolve("state/runs").resolve(result.runId().value()));
    }

    private static void assertOwnerOnly(Path runState) throws IOException {
        assertThat(runState).isDirectory();
        List<Path> all;
        try (Stream<Path> s = Files.walk(runState)) {
            all = s.toList();
        }
        assertThat(all).filteredOn(Files::isRegularFile).isNotEmpty()
                .allSatisfy(p -> assertThat(Fs.mode(p)).as(p.toString()).isEqualTo("0600"));
        assertThat(all).filteredOn(Files::isDirectory)
                .allSatisfy(p -> assertThat(Fs.mode(p)).as(p.toString()).isEqualTo("0700"));
    }

    @Test
    void aSucceededRunIsRolledBackLaterByARunnerThatNeverSawThePlan() throws Exception {
        Path journalDir = tmp.resolve("journal");
        RunResult result;
        try (Journal journal = Journal.directory(journalDir)) {
            result = Backstep.runner().journal(journal).stateDir(tmp.resolve("state")).build()
                    .run(deploy13(shop.markGood("1.3.0")));
        }
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(shop.current()).contains("1.3.0");
        assertThat(shop.good()).contains("1.3.0");

        try (Journal journal = Journal.directory(journalDir)) {
            RunResult undone = Backstep.runner().journal(journal).stateDir(tmp.resolve("state"))
                    .registry(registryOfTypes()).build().rollback(result.runId());
            assertThat(undone.status()).isEqualTo(RunStatus.ROLLED_BACK);
        }
        assertBackToRelease120();
        assertThat(shop.good()).contains("1.2.0");
    }

    @Test
    void aRunKilledMidPlanIsRecoveredByTheNextProcessFromTheJournal() throws Exception {
        Files.writeString(nginx, "server { old; }\n");
        Fs.chmod(nginx, "0640");
        Path journal = tmp.resolve("journal");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashMain.class.getName(), "runner",
                tmp.resolve("state").toString(), journal.toString(), "before-rename", base.toString(),
                nginx.toString(), build("1.1.0").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isEqualTo(CrashMain.HALTED);
        assertThat(shop.current()).contains("1.1.0");
        assertThat(Files.readString(nginx)).isEqualTo("server { old; }\n");

        Recovery recovery;
        try (Journal j = Journal.directory(CrashMain.journalDirOf(journal))) {
            recovery = Backstep.runner().journal(j).stateDir(tmp.resolve("state")).registry(registryOfTypes()).build()
                    .recover();
        }
        assertThat(recovery.unrecoverable()).isEmpty();
        assertThat(recovery.recovered()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK));
        assertThat(shop.current()).contains("1.2.0");
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.2.0");
        assertThat(Files.readString(nginx)).isEqualTo("server { old; }\n");
        assertThat(Fs.mode(nginx)).isEqualTo("0640");
        assertThat(Fs.names(nginx.getParent())).containsExactly("shop.conf");
        assertThat(Fs.names(base)).containsExactly("current", "releases", "shared");
    }

    @Test
    void aDryRunShowsAMaskedDiffAndChangesNothing() throws Exception {
        Plan plan = deploy13(shop.markGood("1.3.0"));
        DryRun dry = runner().dryRun(plan);

        assertThat(dry.valid()).isTrue();
        assertThat(dry.toText()).contains("current: 1.2.0 -> 1.3.0", "- APP_VERSION=1.2.0", "+ APP_VERSION=1.3.0",
                "- DB_PASSWORD=****", "+ DB_PASSWORD=****", "+ FEATURE_X=on", "create " + nginx)
                .doesNotContain("hunter2").doesNotContain("swordfish");
        assertThat(Files.readString(env)).isEqualTo(ENV);
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.2.0");
    }

    @Test
    void anEscapingPathStopsTheRunBeforeAnyStepChangesAnything() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(base.resolve("config"), outside);
        Plan plan = Plan.named("deploy shop 1.3.0").target("shop")
                .step(shop.deploy("1.3.0", build("1.3.0")))
                .step(ConfigFile.replace(base.resolve("config/app.conf"), "x").within(base))
                .build();

        assertThatThrownBy(() -> runner().run(plan)).isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("outside the base directory");
        assertThat(shop.current()).contains("1.2.0");
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.2.0");
        assertThat(Fs.names(outside)).isEmpty();
        assertThat(Files.exists(base.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
