package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.RunId;
import dev.backstep.StepContext;
import dev.backstep.testkit.StepHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The release steps driven by hand; the fixture's builds here also hold an executable and a link. */
class ReleaseTest extends ReleaseFixture {
    @Override
    Path build(String version) throws IOException {
        Path b = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(b.resolve("index.php"), "<?php echo '" + version + "';");
        Files.createDirectories(b.resolve("bin"));
        Path script = Files.writeString(b.resolve("bin/console"), "#!/bin/sh\n");
        Fs.chmod(script, "0750");
        if (!Files.isSymbolicLink(b.resolve("storage"))) {
            Files.createSymbolicLink(b.resolve("storage"), Path.of("../../shared/storage"));
        }
        return b;
    }

    private StepHarness deployed(String version) throws Exception {
        DeployStep step = shop.deploy(version, build(version));
        StepHarness h = Fs.harness(step, tmp);
        h.validate();
        h.execute();
        return h;
    }

    @Test
    void deployCopiesTheReleaseAndSwitchesCurrent() throws Exception {
        deployed("1.2.0");

        assertThat(currentLink()).isEqualTo(Path.of("releases/1.2.0"));
        Path rel = base.resolve("releases/1.2.0");
        assertThat(Files.readString(base.resolve("current/index.php"))).contains("1.2.0");
        assertThat(Fs.mode(rel.resolve("bin/console"))).isEqualTo("0750");
        assertThat(Files.readSymbolicLink(rel.resolve("storage"))).isEqualTo(Path.of("../../shared/storage"));
        assertThat(shop.current()).contains("1.2.0");
        assertThat(Fs.names(base)).containsExactly("current", "releases");
        // the first deploy leaves no rollback mark: there is no release to go back to
        assertThat(Fs.names(base.resolve("releases"))).containsExactly(".releases_log", "1.2.0");
        assertThat(shop.pendingRollbackTargets()).isEmpty();
    }

    @Test
    void compensationSwitchesBackToThePreviousReleaseAndRemovesTheNewOne() throws Exception {
        deployed("1.2.0");
        DeployStep step = shop.deploy("1.3.0", build("1.3.0"));
        StepHarness h = Fs.harness(step, tmp).runId(RunId.of("run-2"));
        h.execute();
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.3.0"));
        assertThat(h.recorded()).containsEntry("previous", "releases/1.2.0")
                .containsEntry("hadCurrent", "true").containsEntry("created", "true");
        assertThat(shop.pendingRollbackTargets()).containsEntry("run-2", "1.2.0");

        h.compensate();
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.2.0"));
        assertThat(base.resolve("releases/1.3.0")).doesNotExist();
        assertThat(shop.pendingRollbackTargets()).doesNotContainKey("run-2");

        h.compensate();
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.2.0"));
        assertThat(base.resolve("releases/1.2.0")).isDirectory();
    }

    @Test
    void compensationOfAFirstDeployRemovesCurrentAndTheRelease() throws Exception {
        DeployStep step = shop.deploy("1.0.0", build("1.0.0"));
        StepHarness h = Fs.harness(step, tmp).execute();
        assertThat(h.recorded()).containsEntry("hadCurrent", "false").doesNotContainKey("previous");

        h.compensate();
        assertThat(Files.exists(base.resolve("current"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(base.resolve("releases/1.0.0")).doesNotExist();
        assertThat(shop.list()).isEmpty();
    }

    @Test
    void aReusedReleaseIsNotRemovedByTheCompensation() throws Exception {
        deployed("1.2.0");
        deployed("1.3.0");
        DeployStep again = shop.deploy("1.2.0", build("1.2.0"));
        Fs.assertInvalid(again, "already exists", "reuseExisting()");

        DeployStep reuse = again.reuseExisting();
        StepHarness h = Fs.harness(reuse, tmp);
        h.validate();
        h.execute();
        assertThat(shop.current()).contains("1.2.0");
        h.compensate();
        assertThat(shop.current()).contains("1.3.0");
        assertThat(base.resolve("releases/1.2.0")).isDirectory();
    }

    @Test
    void aLinkedReleaseIsALinkAndItsCompensationNeverTouchesTheSource() throws Exception {
        Path src = build("2.0.0");
        DeployStep step = shop.deploy("2.0.0", src).link();
        StepHarness h = Fs.harness(step, tmp).execute();
        assertThat(Files.readSymbolicLink(base.resolve("releases/2.0.0"))).isEqualTo(src.toRealPath());
        assertThat(shop.list()).singleElement().satisfies(i -> assertThat(i.linked()).isTrue());

        h.compensate();
        assertThat(base.resolve("releases/2.0.0")).doesNotExist();
        assertThat(src.resolve("index.php")).exists();
    }

    @Test
    void currentNeverDisappearsWhileItIsSwitched() throws Exception {
        deployed("1.0.0");
        deployed("2.0.0");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> missing = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get() && missing.get() == null) {
                try {
                    Files.readSymbolicLink(base.resolve("current"));
                    reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                    missing.set(e);
                } catch (IOException e) {
                    missing.set(e);
                }
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 100; i++) {
                SwitchStep s = shop.rollbackTo(i % 2 == 0 ? "1.0.0" : "2.0.0");
                Fs.harness(s, tmp).execute();
            }
        } finally {
            stop.set(true);
            reader.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(reader.isAlive()).as("reader thread still running").isFalse();
        assertThat(missing.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(Fs.names(base)).containsExactly("current", "releases");
    }

    @Test
    void rollbackToSwitchesToAnExistingReleaseAndBack() throws Exception {
        deployed("1.2.0");
        deployed("1.3.0");
        SwitchStep step = shop.rollbackTo("1.2.0");
        StepHarness h = Fs.harness(step, tmp);
        h.validate();
        assertThat(h.preview()).isEqualTo("current: 1.3.0 -> 1.2.0");
        h.execute();
        assertThat(shop.current()).contains("1.2.0");
        h.compensate();
        assertThat(shop.current()).contains("1.3.0");

        SwitchStep unknown = shop.rollbackTo("0.9.0");
        Fs.assertInvalid(unknown, "release 0.9.0 does not exist");
    }

    @Test
    void compensationRefusesToMoveCurrentWhenSomeoneElseSwitchedItSince() throws Exception {
        deployed("1.0.0");
        deployed("1.1.0");
        StepHarness h = deployed("1.2.0");
        SwitchStep other = shop.rollbackTo("1.0.0");
        Fs.harness(other, tmp).execute();

        assertThatThrownBy(() -> Release.compensations().get("release.deploy")
                .compensate(h.context(StepContext.Phase.COMPENSATE)))
                .isInstanceOf(FileStepException.class).hasMessageContaining("points to releases/1.0.0");
        assertThat(shop.current()).contains("1.0.0");
    }

    @Test
    void markGoodAndRollbackToLastGood() throws Exception {
        deployed("1.2.0");
        StepHarness goodH = Fs.harness(shop.markGood("1.2.0"), tmp).execute();
        deployed("1.3.0");
        StepHarness good13H = Fs.harness(shop.markGood("1.3.0"), tmp).execute();
        assertThat(shop.good()).contains("1.3.0");
        good13H.compensate();
        assertThat(shop.good()).contains("1.2.0");
        deployed("1.4.0");

        SwitchStep back = shop.rollbackToLastGood();
        StepHarness h = Fs.harness(back, tmp).execute();
        assertThat(shop.current()).contains("1.2.0");
        assertThat(shop.list()).extracting(ReleaseInfo::version, ReleaseInfo::current, ReleaseInfo::good)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1.2.0", true, true),
                        org.assertj.core.groups.Tuple.tuple("1.3.0", false, false),
                        org.assertj.core.groups.Tuple.tuple("1.4.0", false, false));
        goodH.compensate();
        assertThat(shop.good()).isEmpty();
    }

    @Test
    void listSortsVersionsNaturally() throws Exception {
        Path rel = Files.createDirectories(base.resolve("releases"));
        for (String v : List.of("1.10.0", "1.9.0", "1.2.0", "20240105", "1.9.1-rc1")) {
            Files.createDirectories(rel.resolve(v));
        }
        Files.createDirectories(rel.resolve(".tmp-1.11.0-abcdef123456"));
        Files.writeString(rel.resolve("notes.txt"), "not a release");
        assertThat(Release.in(base).list()).extracting(ReleaseInfo::version)
                .containsExactly("1.2.0", "1.9.0", "1.9.1-rc1", "1.10.0", "20240105");
        assertThat(Release.in(tmp.resolve("none")).list()).isEmpty();
        assertThat(Release.in(tmp.resolve("none")).current()).isEmpty();
    }

    @Test
    void keepPrunesOldReleasesButNeverCurrentGoodPendingOrProtected() throws Exception {
        List<String> versions = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            versions.add("1." + i + ".0");
        }
        for (String v : versions) {
            deployed(v);
        }
        shop.clearPending("harness-run");
        // 1.2.0 is marked good; a run switched 1.3.0 -> 1.7.0 and has not finished; 1.7.0 is current
        MarkGoodStep good = shop.markGood("1.2.0");
        Fs.harness(good, tmp).execute();
        SwitchStep to3 = shop.rollbackTo("1.3.0");
        Fs.harness(to3, tmp).runId(RunId.of("old-run")).execute();
        shop.clearPending("old-run");
        SwitchStep to7 = shop.rollbackTo("1.7.0");
        Fs.harness(to7, tmp).runId(RunId.of("unfinished-run")).execute();

        PruneStep prune = shop.keep(2).protect("1.1.0");
        StepHarness h = Fs.harness(prune, tmp);
        assertThat(h.preview()).isEqualTo("would delete 1.4.0, 1.5.0, 1.6.0, 1.8.0");
        h.execute();

        assertThat(shop.list()).extracting(ReleaseInfo::version)
                .containsExactly("1.1.0", "1.2.0", "1.3.0", "1.7.0", "1.9.0", "1.10.0");
        assertThat(h.recorded()).as("nothing recorded per pruned release").isEmpty();
        assertThat(Files.readString(base.resolve("releases/.releases_log"))).doesNotContain("1.4.0", "1.8.0")
                .contains("1.1.0", "1.3.0", "1.10.0");
        assertThat(shop.current()).contains("1.7.0");
        h.compensate();
        assertThat(shop.list()).hasSize(6);
    }

    @Test
    void pruningALinkedReleaseRemovesOnlyTheLink() throws Exception {
        Path src = build("0.1.0");
        DeployStep linked = shop.deploy("0.1.0", src).link();
        Fs.harness(linked, tmp).execute();
        shop.clearPending("harness-run");
        deployed("0.2.0");
        shop.clearPending("harness-run");

        PruneStep prune = shop.keep(1);
        Fs.harness(prune, tmp).execute();
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("0.2.0");
        assertThat(src.resolve("index.php")).exists();
    }

    @Test
    void aFailureBeforeTheSwitchLeavesCurrentAndTheCompensationRemovesTheCopy() throws Exception {
        deployed("1.0.0");
        DeployStep step = shop.deploy("1.1.0", build("1.1.0")).withFaultHook(point -> {
            if (point.equals("before-switch")) {
                throw new IOException("injected at " + point);
            }
        });
        StepHarness h = Fs.harness(step, tmp);
        assertThatThrownBy(() -> h.execute()).isInstanceOf(FileStepException.class)
                .hasMessageContaining("cannot deploy release 1.1.0").hasRootCauseMessage("injected at before-switch");
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.0.0"));
        assertThat(Fs.names(base)).containsExactly("current", "releases");

        h.compensate();
        assertThat(shop.list()).extracting(ReleaseInfo::version).containsExactly("1.0.0");
        assertThat(currentLink()).isEqualTo(Path.of("releases/1.0.0"));
        // the failed release is kept for review under a name no release can have
        assertThat(Fs.names(base.resolve("releases"))).containsExactly(".releases_log", "1.0.0",
                "1.1.0.failed-" + h.context(StepContext.Phase.FORWARD).runId().value());
        assertThat(Files.readString(base.resolve("releases/.releases_log"))).startsWith("1.0.0\t")
                .doesNotContain("1.1.0");
    }

    @Test
    void aFailureWhileCopyingLeavesNoPartialReleaseDirectory() throws Exception {
        DeployStep step = shop.deploy("1.0.0", build("1.0.0")).withFaultHook(point -> {
            if (point.equals("before-release-rename")) {
                throw new IOException("injected at " + point);
            }
        });
        StepHarness h = Fs.harness(step, tmp);
        assertThatThrownBy(() -> h.execute()).isInstanceOf(FileStepException.class);
        assertThat(base.resolve("releases/1.0.0")).doesNotExist();
        assertThat(shop.list()).isEmpty();

        h.compensate();
        assertThat(Fs.names(base.resolve("releases"))).isEmpty();
    }

    @Test
    void versionsThatLeaveTheReleasesDirectoryAreRejectedBeforeAnythingChanges() throws Exception {
        Path src = build("x");
        for (String bad : List.of("../x", "..", "/etc", "a/b", "..\\x", ".")) {
            assertThatThrownBy(() -> shop.deploy(bad, src)).as(bad).isInstanceOf(PathEscapeException.class);
            assertThatThrownBy(() -> shop.rollbackTo(bad)).as(bad).isInstanceOf(PathEscapeException.class);
        }
        assertThatThrownBy(() -> shop.keep(3).protect("../../etc")).isInstanceOf(PathEscapeException.class);
        assertThatThrownBy(() -> shop.markGood("../1.0")).isInstanceOf(PathEscapeException.class);
        assertThatThrownBy(() -> shop.deploy(".good", src)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("invalid release version '.good'");
        assertThatThrownBy(() -> shop.deploy("v 1", src)).isInstanceOf(PlanDefinitionException.class);
        assertThatThrownBy(() -> shop.keep(0)).isInstanceOf(PlanDefinitionException.class);
        assertThat(Fs.names(base)).isEmpty();
    }

    @Test
    void aReleasesDirectoryThatLinksOutOfTheBaseIsRejected() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(elsewhere.resolve("1.0.0"));
        Files.createSymbolicLink(base.resolve("releases"), elsewhere);
        DeployStep step = shop.deploy("2.0.0", build("2.0.0"));
        StepHarness h = Fs.harness(step, tmp);
        assertThatThrownBy(() -> h.validate()).isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("is a symbolic link to " + elsewhere.toRealPath());
        assertThatThrownBy(() -> h.execute()).isInstanceOf(PathEscapeException.class);
        PruneStep prune = shop.keep(1);
        assertThatThrownBy(() -> Fs.harness(prune, tmp).execute()).isInstanceOf(PathEscapeException.class);
        assertThat(elsewhere.resolve("1.0.0")).isDirectory();
        assertThat(Fs.names(elsewhere)).containsExactly("1.0.0");
    }

    @Test
    void unusableLayoutsAndSourcesGiveClearValidationErrors() throws Exception {
        Path src = build("1.0.0");

        Path fileBase = Files.writeString(tmp.resolve("file-base"), "x");
        Fs.assertInvalid(Release.in(fileBase).deploy("1.0.0", src), fileBase + " is not a directory");
        Fs.assertInvalid(Release.in(tmp.resolve("missing")).deploy("1.0.0", src), "does not exist");

        Files.createDirectories(base.resolve("current"));
        Fs.assertInvalid(Release.in(base).deploy("1.0.0", src),
                base.resolve("current") + " is a directory, not a symbolic link");
        Files.delete(base.resolve("current"));

        Files.writeString(base.resolve("releases"), "oops");
        Fs.assertInvalid(Release.in(base).deploy("1.0.0", src), "is a file, not a directory");
        Files.delete(base.resolve("releases"));

        Fs.assertInvalid(Release.in(base).deploy("1.0.0", tmp.resolve("no-build")), "does not exist");
        Fs.assertInvalid(Release.in(base).deploy("1.0.0", tmp), "contains the base directory");
    }

    @Test
    void describeAndTypesAreStable() throws Exception {
        assertThat(shop.deploy("1.0.0", tmp).type()).isEqualTo("release.deploy");
        assertThat(shop.rollbackTo("1.0.0").type()).isEqualTo("release.switch");
        assertThat(shop.keep(3).type()).isEqualTo("release.prune");
        assertThat(shop.markGood("1.0.0").type()).isEqualTo("release.markGood");
        assertThat(Release.compensations()).containsOnlyKeys("release.deploy", "release.switch", "release.prune",
                "release.markGood");
        assertThat(shop.deploy("1.0.0", tmp).describe()).contains("releases/1.0.0", "switch back");
        assertThat(shop.deploy("1.0.0", tmp).name()).isEqualTo("deploy 1.0.0");
    }
}
