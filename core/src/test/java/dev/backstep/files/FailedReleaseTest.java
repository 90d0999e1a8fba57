package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalOptions;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.StepRegistry;
import dev.backstep.StepValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A release a failed run created is kept as {@code releases/<v>.failed-<run>} for an incident
 * review (live rollbacks and rollbacks from the journal alike), is never a release, and only
 * {@code keep(n).keepFailed(m)} removes it. Real engine, real files, a directory journal.
 */
class FailedReleaseTest extends ReleaseFixture {
    private RunResult deployGood(String version, PruneStep keep) throws IOException {
        return run(Plan.named("deploy " + version).target("shop")
                .step(shop.deploy(version, build(version)))
                .step(shop.markGood(version))
                .step(keep)
                .build(), RunStatus.SUCCEEDED);
    }

    private RunResult deployFailing(String version) throws IOException {
        return run(Plan.named("deploy " + version).target("shop")
                .step(shop.deploy(version, build(version)))
                .verify(Step.verification("health", ctx -> {
                    throw new IllegalStateException("GET /health returned 500");
                }))
                .build(), RunStatus.ROLLED_BACK);
    }

    @Test
    void aFailedDeployKeepsItsReleaseAsAFailedCopyOwnerOnlyAndCurrentIsBackOnTheOldRelease() throws Exception {
        deployGood("1.2.0", shop.keep(5));
        RunResult failed = deployFailing("1.3.0");

        String kept = "1.3.0.failed-" + failed.runId().value();
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.2.0"));
        assertThat(releaseDirs()).containsExactly("1.2.0", kept);
        assertThat(base.resolve("releases/1.3.0")).doesNotExist();
        assertThat(Files.readString(base.resolve("releases").resolve(kept).resolve("index.php"))).isEqualTo("1.3.0");
        assertThat(Fs.mode(base.resolve("releases").resolve(kept))).isEqualTo("0700");
        // not a release: not listed, not in the deploy log
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.2.0");
        assertThat(Files.readString(base.resolve("releases/.releases_log"))).doesNotContain("1.3.0");
    }

    @Test
    void aRollbackFromTheJournalByAFreshRunnerKeepsTheFailedCopyToo() throws Exception {
        deployGood("1.2.0", shop.keep(5));
        RunResult second = deployGood("1.3.0", shop.keep(5));

        Runner later = Backstep.runner().journal(journal).stateDir(tmp.resolve("state"))
                .registry(StepRegistry.custom().registerAll(Release.compensations()).build()).build();
        RunResult undone = later.rollback(second.runId());

        assertThat(undone.status()).as(undone.report().toText()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.2.0"));
        String kept = "1.3.0.failed-" + second.runId().value();
        assertThat(releaseDirs()).containsExactly("1.2.0", kept);
        assertThat(Files.readString(base.resolve("releases").resolve(kept).resolve("index.php"))).isEqualTo("1.3.0");
    }

    @Test
    void aFailedLinkedReleaseIsKeptAsTheLinkAndItsSourceIsUntouched() throws Exception {
        deployGood("1.2.0", shop.keep(5));
        Path src = build("1.3.0");
        RunResult r = runner.run(Plan.named("deploy 1.3.0").target("shop")
                .step(shop.deploy("1.3.0", src).link())
                .verify(Step.verification("health", ctx -> {
                    throw new IllegalStateException("down");
                }))
                .build());
        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);

        Path kept = base.resolve("releases/1.3.0.failed-" + r.runId().value());
        assertThat(Files.isSymbolicLink(kept)).isTrue();
        assertThat(Files.readSymbolicLink(kept)).isEqualTo(src);
        assertThat(Fs.mode(src)).isNotEqualTo("0700");
        assertThat(Files.readString(src.resolve("index.php"))).isEqualTo("1.3.0");
    }

    @Test
    void keepFailedRemovesOnlyTheFailedCopiesPastItsLimitAndNeverALiveRelease() throws Exception {
        deployGood("1.0.0", shop.keep(5));
        RunResult f1 = deployFailing("1.1.0");
        RunResult f2 = deployFailing("1.1.1");
        RunResult f3 = deployFailing("1.1.2");
        assertThat(releaseDirs()).hasSize(4);

        deployGood("1.2.0", shop.keep(2).keepFailed(1));

        assertThat(releaseDirs()).containsExactly("1.0.0", "1.1.2.failed-" + f3.runId().value(), "1.2.0");
        assertThat(base.resolve("releases/1.1.0.failed-" + f1.runId().value())).doesNotExist();
        assertThat(base.resolve("releases/1.1.1.failed-" + f2.runId().value())).doesNotExist();

        // keep(n) alone keeps n failed copies, and never counts them as releases
        RunResult f4 = deployFailing("1.3.0");
        deployGood("1.4.0", shop.keep(1));
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.2.0", "1.4.0");
        assertThat(releaseDirs()).filteredOn(n -> n.contains(".failed-"))
                .containsExactly("1.3.0.failed-" + f4.runId().value());
    }

    @Test
    void keepFailedZeroRemovesEveryFailedCopy() throws Exception {
        deployGood("1.0.0", shop.keep(5));
        deployFailing("1.1.0");
        deployGood("1.2.0", shop.keep(5).keepFailed(0));
        assertThat(releaseDirs()).containsExactly("1.0.0", "1.2.0");
    }

    @Test
    void badRetentionsAndVersionsThatLookLikeFailedCopiesAreRefusedBeforeAnythingChanges() throws Exception {
        assertThatThrownBy(() -> shop.keep(3).keepFailed(-1)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("keepFailed(m) needs m >= 0, was -1");
        assertThatThrownBy(() -> shop.deploy("1.3.0.failed-x", build("x"))).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("'.failed-' names the kept copy of a failed release");
        assertThat(Files.exists(base.resolve("releases"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void rehearsalsOfAReleasePlanStillReportAnExactRestoreAndLeaveTheFailedCopies() throws Exception {
        deployGood("1.2.0", shop.keep(5));
        Plan plan = Plan.named("deploy 1.3.0").target("shop")
                .step(shop.deploy("1.3.0", build("1.3.0")))
                .step(shop.markGood("1.3.0"))
                .build();

        Rehearsal once = runner.rehearse(plan);
        assertThat(once.restoredExactly()).as(once.toText()).isTrue();
        assertThat(releaseDirs()).anyMatch(n -> n.startsWith("1.3.0.failed-"));

        Plan next = Plan.named("deploy 1.4.0").target("shop")
                .step(shop.deploy("1.4.0", build("1.4.0")))
                .step(shop.markGood("1.4.0"))
                .step(shop.keep(5))
                .build();
        RehearsalMatrix matrix = runner.rehearse(next, RehearsalOptions.everyStep());
        assertThat(matrix.restoredExactlyAtEveryPoint()).as(matrix.toText()).isTrue();
    }
}
