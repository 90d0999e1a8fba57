package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.spi.StepRegistry;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Releases at the edges of "a reported rollback happened", run by the real engine on real files
 * with a directory journal: pruning and later rollbacks, the first deploy, deploy order, expiring
 * rollback marks, thousands of releases, special files in a source. The Capistrano scenarios
 * (features/deploy.feature: Cleanup, Rolling Back, Rolling Back to a specific release) are here
 * in Backstep's terms.
 */
class ReleaseRollbackEdgesTest extends ReleaseFixture {
    /** Another process: knows no plan, only the step types' registered compensations. */
    private Runner laterProcess() {
        return Backstep.runner().journal(journal).stateDir(tmp.resolve("state"))
                .registry(StepRegistry.custom().registerAll(Release.compensations())
                        .registerAll(ConfigFile.compensations()).build()).build();
    }

    private Step smokeTest(String version) {
        return Step.verification("smoke test " + version, ctx -> {
            String served = Files.readString(base.resolve("current/index.php"));
            if (!served.equals(version)) {
                throw new IllegalStateException("current serves " + served + ", not " + version);
            }
        });
    }

    /** deploy, verify, markGood, keep(n): the sequence. */
    private RunResult deployGood(String version, int keep) throws IOException {
        return run(Plan.named("deploy " + version).target("shop")
                .step(shop.deploy(version, build(version)))
                .verify(smokeTest(version))
                .step(shop.markGood(version))
                .step(shop.keep(keep))
                .build(), RunStatus.SUCCEEDED);
    }

    /** deploy, verify, keep(n), never marked good. */
    private RunResult deployUnmarked(String version, int keep) throws IOException {
        return run(Plan.named("deploy " + version).target("shop")
                .step(shop.deploy(version, build(version)))
                .verify(smokeTest(version))
                .step(shop.keep(keep))
                .build(), RunStatus.SUCCEEDED);
    }

    private String served() throws IOException {
        return Files.readString(base.resolve("current/index.php"));
    }

    // --- never point current at a release that is gone -------------------------------------

    @Test
    void keepOneNeverPrunesTheReleaseALaterRollbackOfTheLastDeploySwitchesBackTo() throws Exception {
        deployGood("1.0.0", 1);
        RunResult second = deployGood("2.0.0", 1);
        assertThat(releaseDirs()).containsExactly("1.0.0", "2.0.0");

        RunResult undone = laterProcess().rollback(second.runId());

        assertThat(undone.status()).as(undone.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.0.0"));
        assertThat(served()).isEqualTo("1.0.0");
        assertThat(releaseDirs()).containsExactly("1.0.0", "2.0.0.failed-" + second.runId().value());
        assertThat(shop.good()).contains("1.0.0");
        assertThat(shop.pendingRollbackTargets()).isEmpty();
    }

    @Test
    void aSwitchBackToAReleaseThatIsGoneFailsTheRollbackAndLeavesCurrentAlone() throws Exception {
        deployGood("1.0.0", 5);
        RunResult r = runner.run(Plan.named("deploy 2.0.0").target("shop")
                .step(shop.deploy("2.0.0", build("2.0.0")))
                .step(Step.named("someone deletes 1.0.0")
                        .action(ctx -> Fs.deleteTree(base.resolve("releases/1.0.0")))
                        .compensation(ctx -> { })
                        .build())
                .verify(Step.verification("health", ctx -> {
                    throw new IllegalStateException("GET /health returned 503");
                }))
                .build());

        assertThat(r.status()).as(r.report().toText()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(r.stillApplied()).contains("deploy 2.0.0");
        assertThat(Fs.messages(r.failure().orElseThrow())).contains("back to release 1.0.0", "is missing");
        assertThat(currentLink()).isEqualTo(Path.of("releases/2.0.0"));
        assertThat(served()).isEqualTo("2.0.0");
    }

    @Test
    void aLaterRollbackWhoseSwitchTargetIsGoneIsRefusedBeforeAnythingChangesEvenWhenForced() throws Exception {
        Path env = Files.writeString(Files.createDirectories(base.resolve("shared")).resolve(".env"),
                "APP_VERSION=1.0.0\n");
        deployGood("1.0.0", 5);
        RunResult second = runner.run(Plan.named("deploy 2.0.0").target("shop")
                .step(shop.deploy("2.0.0", build("2.0.0")))
                .step(ConfigFile.edit(env).set("APP_VERSION", "2.0.0"))
                .verify(smokeTest("2.0.0"))
                .step(shop.markGood("2.0.0"))
                .build());
        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        Fs.deleteTree(base.resolve("releases/1.0.0")); // an operator's rm -rf
        String journalBefore = Fs.runFile(tmp.resolve("journal"), second.runId());

        for (RollbackOption[] options : List.of(new RollbackOption[0], new RollbackOption[] {RollbackOption.FORCE})) {
            assertThatThrownBy(() -> laterProcess().rollback(second.runId(), options))
                    .isInstanceOf(RollbackRefusedException.class)
                    .hasMessageContaining("step 'deploy 2.0.0'").hasMessageContaining("release 1.0.0")
                    .hasMessageContaining("missing").hasMessageContaining("nothing was changed");
        }

        assertThat(currentLink()).isEqualTo(Path.of("releases/2.0.0"));
        assertThat(shop.good()).contains("2.0.0");
        assertThat(Files.readString(env)).isEqualTo("APP_VERSION=2.0.0\n");
        assertThat(Fs.runFile(tmp.resolve("journal"), second.runId())).isEqualTo(journalBefore);
        assertThat(runner.summary(second.runId()).status()).contains(RunStatus.SUCCEEDED);
    }

    @Test
    void backToTheLastGoodRunIsRefusedBeforeTheNewestRunIsUndoneWhenAnOlderSwitchTargetIsGone() throws Exception {
        RunResult good = deployGood("1.0.0", 5);
        runner.markGood(good.runId());
        deployUnmarked("2.0.0", 5);
        deployUnmarked("3.0.0", 5);
        Fs.deleteTree(base.resolve("releases/1.0.0"));

        assertThatThrownBy(() -> laterProcess().rollbackToLastGood("shop"))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("step 'deploy 2.0.0'").hasMessageContaining("release 1.0.0");

        assertThat(currentLink()).isEqualTo(Path.of("releases/3.0.0"));
        assertThat(releaseDirs()).containsExactly("2.0.0", "3.0.0");
        assertThat(runner.history("shop")).extracting(s -> s.status().orElseThrow())
                .containsOnly(RunStatus.SUCCEEDED);
    }

    // --- the first deploy -------------------------------------------------------------------

    @Test
    void rollingBackTheFirstDeployLaterIsRefusedUnlessForcedButAFailedFirstDeployIsUndoneLive() throws Exception {
        RunResult failed = runner.run(Plan.named("deploy 0.9.0").target("shop")
                .step(shop.deploy("0.9.0", build("0.9.0")))
                .verify(Step.verification("health", ctx -> {
                    throw new IllegalStateException("GET /health returned 500");
                }))
                .build());
        assertThat(failed.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.exists(base.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(releaseDirs()).containsExactly("0.9.0.failed-" + failed.runId().value());

        RunResult first = deployGood("1.0.0", 3);
        assertThatThrownBy(() -> laterProcess().rollback(first.runId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("release 1.0.0 was the first release")
                .hasMessageContaining("no older releases to roll back to")
                .hasMessageContaining("RollbackOption.FORCE");
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.0.0"));
        assertThat(served()).isEqualTo("1.0.0");
        assertThat(shop.good()).contains("1.0.0");

        RunResult forced = laterProcess().rollback(first.runId(), RollbackOption.FORCE);
        assertThat(forced.status()).as(forced.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.exists(base.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(releaseDirs()).containsExactly("0.9.0.failed-" + failed.runId().value(),
                "1.0.0.failed-" + first.runId().value());
        assertThat(shop.good()).isEmpty();
    }

    // --- keep(n) counts in deploy order, only logged releases ------------------------------

    @Test
    void keepCountsShaNamedReleasesInDeployOrderAndNeverTouchesStrayDirectories() throws Exception {
        Files.createDirectories(base.resolve("releases/new"));
        Files.createDirectories(base.resolve("releases/tmp"));
        Files.writeString(base.resolve("releases/tmp/half-uploaded"), "x");
        List<String> shas = List.of("f3a9c1e", "0b12d4a", "9e0c7b2", "1a2b3c4", "c0ffee1");
        for (String sha : shas) {
            deployUnmarked(sha, 3);
        }

        // the three deployed last, in deploy order (not name order); strays are not releases
        assertThat(releaseDirs()).containsExactlyInAnyOrder("9e0c7b2", "1a2b3c4", "c0ffee1", "new", "tmp");
        assertThat(base.resolve("releases/tmp/half-uploaded")).hasContent("x");
        assertThat(shop.pendingRollbackTargets()).hasSize(2).containsValues("9e0c7b2", "1a2b3c4");

        // Capistrano "Rolling Back to a specific release": the oldest kept one
        RunResult back = runner.run(Plan.named("back to 9e0c7b2").target("shop")
                .step(shop.rollbackTo("9e0c7b2")).build());
        assertThat(back.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(served()).isEqualTo("9e0c7b2");
    }

    @Test
    void capistranoCleanupKeepsThreeOfFiveAndIgnoresAnInvalidReleaseNamedNew() throws Exception {
        for (int i = 1; i <= 5; i++) {
            deployGood("2026010" + i + "120000", 5);
        }
        Files.createDirectories(base.resolve("releases/new"));

        RunResult cleanup = runner.run(Plan.named("cleanup").target("shop").step(shop.keep(3)).build());

        assertThat(cleanup.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(releaseDirs()).containsExactly("20260103120000", "20260104120000", "20260105120000", "new");
        assertThat(cleanup.steps().get(0).summary()).get().asString()
                .startsWith("deleted 2 release(s): 20260101120000, 20260102120000");
    }

    @Test
    void capistranoCleanupAfterFailedReleasesNeverRemovesTheDeployedOnes() throws Exception {
        deployGood("20260101120000", 2);
        deployGood("20260102120000", 2);
        for (String failed : List.of("77777777777777", "88888888888888", "99999999999999")) {
            Files.createDirectories(base.resolve("releases").resolve(failed)); // never deployed: not in the log
        }

        RunResult cleanup = runner.run(Plan.named("cleanup").target("shop").step(shop.keep(2)).build());

        assertThat(cleanup.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(releaseDirs()).containsExactly("20260101120000", "20260102120000", "77777777777777",
                "88888888888888", "99999999999999");
        assertThat(currentLink()).isEqualTo(Path.of("releases/20260102120000"));
        assertThat(shop.good()).contains("20260102120000");
    }

    @Test
    void aDeployLogThatIsASymbolicLinkIsRefusedAndWhatItPointsToIsNeverWritten() throws Exception {
        deployGood("1.0.0", 3);
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not yours\n");
        Files.delete(base.resolve("releases/.releases_log"));
        Files.createSymbolicLink(base.resolve("releases/.releases_log"), outside);

        assertThatThrownBy(() -> deployGood("2.0.0", 3)).isInstanceOf(PathEscapeException.class)
                .hasMessageContaining(".releases_log is a symbolic link");
        assertThat(outside).hasContent("not yours\n");
        assertThat(releaseDirs()).containsExactly("1.0.0");
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.0.0"));
    }

    // --- rollback marks of finished runs expire ---------------------------------------------

    @Test
    void marksOfUnmarkedRunsExpireSoKeepThreeKeepsThreeAndOnlyTheNewestRunsRollBack() throws Exception {
        List<RunId> runs = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            runs.add(deployUnmarked(i + ".0.0", 3).runId());
            assertThat(releaseDirs()).hasSize(Math.min(i, 3));
            assertThat(shop.pendingRollbackTargets()).hasSizeLessThanOrEqualTo(2);
        }
        assertThat(releaseDirs()).containsExactly("6.0.0", "7.0.0", "8.0.0");

        assertThat(laterProcess().rollback(runs.get(7)).status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(served()).isEqualTo("7.0.0");
        assertThat(laterProcess().rollback(runs.get(6)).status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(served()).isEqualTo("6.0.0");
        // run 6's mark expired in run 8's prune, and 5.0.0 with it: refused, not a dangling current
        assertThatThrownBy(() -> laterProcess().rollback(runs.get(5)))
                .isInstanceOf(RollbackRefusedException.class).hasMessageContaining("release 5.0.0");
        assertThat(served()).isEqualTo("6.0.0");
    }

    // --- thousands of releases --------------------------------------------------------------

    @Test
    void pruningFiveThousandReleasesRecordsNothingPerReleaseAndSucceeds() throws Exception {
        Path releases = Files.createDirectories(base.resolve("releases"));
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            String v = String.format("20250101%06d", i);
            Files.createDirectory(releases.resolve(v));
            log.append(v).append('\t').append("run-").append(i).append('\t').append("2025-01-01T00:00:00Z\n");
        }
        Files.writeString(releases.resolve(".releases_log"), log); // what 5,000 earlier deploys wrote
        Files.writeString(releases.resolve("20250101005000/index.php"), "20250101005000");
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases/20250101005000"));

        long started = System.nanoTime();
        RunResult r = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> deployGood("20260101000000", 3));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(releaseDirs()).containsExactly("20250101004999", "20250101005000", "20260101000000");
        assertThat(r.steps()).filteredOn(s -> s.name().equals("keep 3 releases")).singleElement()
                .satisfies(s -> {
                    assertThat(s.recorded()).isEmpty();
                    assertThat(s.summary()).get().asString().startsWith("deleted 4998 release(s): 20250101000001, ");
                });
        assertThat(Files.readAllLines(releases.resolve(".releases_log"))).hasSize(3);
        assertThat(tookMs).as("pruning 4,998 releases took %d ms", tookMs).isLessThan(120_000);
    }

    // --- special files in a source ----------------------------------------------------------

    @Test
    void aNamedPipeOrSocketInTheSourceIsRefusedByValidationNamingTheFile() throws Exception {
        deployGood("1.0.0", 3);
        Path src = build("2.0.0");
        Path fifo = Files.createDirectories(src.resolve("var/run")).resolve("app.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        Plan plan = Plan.named("deploy 2.0.0").target("shop").step(shop.deploy("2.0.0", src)).build();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> runner.run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining(fifo.toString()).hasMessageContaining("a named pipe"));
        assertThat(releaseDirs()).containsExactly("1.0.0");
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.0.0"));

        Files.delete(fifo);
        Path sock = src.resolve("var/run/app.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> runner.run(plan))
                    .isInstanceOf(StepValidationException.class)
                    .hasMessageContaining(sock.toString()).hasMessageContaining("a socket"));
        }
        assertThat(releaseDirs()).containsExactly("1.0.0");
        // a linked release copies nothing, so it may hold what it likes
        assertThat(runner.run(Plan.named("link 2.0.0").target("shop").step(shop.deploy("2.0.0", src).link())
                .build()).status()).isEqualTo(RunStatus.SUCCEEDED);
    }
}
