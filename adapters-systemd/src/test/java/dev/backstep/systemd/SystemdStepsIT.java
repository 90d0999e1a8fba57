package dev.backstep.systemd;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The systemd steps against a real systemd 252 booted under systemd-nspawn (see {@link SystemdContainer}). */
class SystemdStepsIT {
    @RegisterExtension
    static final SystemdContainer BOX = new SystemdContainer();

    @TempDir
    Path tmp;

    Journal journal;
    Runner runner;
    Systemctl systemctl;
    ServiceManager systemd;

    @BeforeEach
    void setUp() {
        journal = Journal.inMemory();
        runner = Backstep.runner().stateDir(tmp.resolve("state")).journal(journal).build();
        systemctl = BOX.systemctl();
        systemd = systemctl.manager(CommandRunner.local());
    }

    /** A service like runbook 001's my_form_bot: runs while its env file says MODE=good, fails otherwise. */
    static String botUnit(String envFile) {
        return "[Unit]\nDescription=form bot\n[Service]\nEnvironmentFile=" + envFile + "\n"
                + "ExecStart=/bin/sh -c 'test \"$$MODE\" = good && exec /bin/sleep infinity'\n"
                + "[Install]\nWantedBy=multi-user.target\n";
    }

    /** Installs (outside any plan) a bot unit in the given state. */
    String bot(String name, boolean running, boolean enabled) throws Exception {
        String unit = name + ".service";
        Files.writeString(BOX.host("etc/" + name + ".env"), "MODE=good\n");
        Files.writeString(BOX.unitDir().resolve(unit), botUnit("/etc/" + name + ".env"));
        systemd.daemonReload();
        if (running) {
            systemd.start(unit);
        }
        if (enabled) {
            systemd.enable(unit);
        }
        return unit;
    }

    String mainPid(String unit) {
        return systemd.show(unit, "MainPID").get("MainPID");
    }

    static Step failingVerification() {
        return Step.verification("smoke test", ctx -> {
            throw new IllegalStateException("smoke test failed");
        });
    }

    @Test
    void runbook001StopConfigChangeStartFailingHealthRollsBackToTheRunningUnit() throws Exception {
        String unit = bot("my_form_bot", true, true);
        Path env = BOX.host("etc/my_form_bot.env");
        Plan plan = Plan.named("update my_form_bot").target("bot")
                .step(Systemd.stop(unit).using(systemctl))
                .step(ConfigFile.replace(env, "MODE=broken\n"))
                .step(Systemd.start(unit).using(systemctl))
                .verify(Systemd.healthy(unit).using(systemctl).within(Duration.ofSeconds(5))
                        .every(Duration.ofMillis(300)).consecutive(3))
                .build();

        RunResult result = runner.run(plan);

        assertThat(result).rolledBack().failedAt(unit + " healthy")
                .compensated("systemctl start " + unit, "replace " + env, "systemctl stop " + unit);
        assertThat(result.failure().orElseThrow()).hasStackTraceContaining(
                unit + ": expected ActiveState <active> but was <failed>");
        assertThat(systemd.isActive(unit)).isTrue();
        assertThat(systemd.show(unit, "SubState").get("SubState")).isEqualTo("running");
        assertThat(systemd.isEnabled(unit)).isTrue();
        assertThat(Files.readString(env)).isEqualTo("MODE=good\n");
    }

    @Test
    void stopAndStartPutBackExactlyTheRunningStateTheyFound() throws Exception {
        String running = bot("stop-a", true, false);
        String stopped = bot("stop-b", false, false);
        String started = bot("start-c", false, false);
        String alreadyRunning = bot("start-d", true, false);
        String pid = mainPid(alreadyRunning);
        Plan plan = Plan.named("stop and start").target("bot")
                .step(Systemd.stop(running, stopped).using(systemctl))
                .step(Systemd.start(started, alreadyRunning).using(systemctl))
                .verify(failingVerification())
                .build();

        RunResult result = runner.run(plan);

        assertThat(result).rolledBack();
        assertThat(systemd.isActive(running)).isTrue();
        assertThat(systemd.isActive(stopped)).as("a unit that was stopped stays stopped").isFalse();
        assertThat(systemd.isActive(started)).as("a unit the plan started is stopped again").isFalse();
        assertThat(systemd.isActive(alreadyRunning)).isTrue();
        assertThat(mainPid(alreadyRunning)).as("a unit that was already running is left alone").isEqualTo(pid);
    }

    @Test
    void restartIsUndoneByRestartingTheUnitsThatRanAndStoppingTheOthers() throws Exception {
        String running = bot("restart-a", true, false);
        String stopped = bot("restart-b", false, false);
        String before = mainPid(running);
        String[] during = new String[1];
        Plan plan = Plan.named("restart").target("bot")
                .step(Systemd.restart(running, stopped).using(systemctl))
                .verify(Step.verification("look", ctx -> {
                    during[0] = mainPid(running);
                    assertThat(systemd.isActive(stopped)).isTrue();
                    throw new IllegalStateException("new version misbehaves");
                }))
                .build();

        RunResult result = runner.run(plan);

        assertThat(result).rolledBack().compensated("systemctl restart " + running + " " + stopped);
        assertThat(during[0]).isNotEqualTo(before);
        assertThat(systemd.isActive(running)).isTrue();
        assertThat(mainPid(running)).isNotIn(before, during[0]);
        assertThat(systemd.isActive(stopped)).isFalse();
    }

    @Test
    void enableAndDisableAreUndoneToTheRecordedEnablement() throws Exception {
        String disabled = bot("enable-a", false, false);
        String enabled = bot("enable-b", false, true);
        Plan plan = Plan.named("enablement").target("bot")
                .step(Systemd.enable(disabled, enabled).using(systemctl))
                .step(Systemd.disable(enabled).using(systemctl).withName("disable b"))
                .verify(failingVerification())
                .build();

        assertThat(runner.run(plan)).rolledBack().compensated("disable b", "systemctl enable " + disabled + " " + enabled);
        assertThat(systemd.isEnabled(disabled)).isFalse();
        assertThat(systemd.isEnabled(enabled)).isTrue();
        assertThat(Files.exists(BOX.unitDir().resolve("multi-user.target.wants").resolve(disabled))).isFalse();

        RunResult ok = runner.run(Plan.named("enable").target("bot")
                .step(Systemd.enable(disabled).using(systemctl)).build());
        assertThat(ok).succeeded();
        assertThat(systemd.isEnabled(disabled)).isTrue();
    }

    @Test
    void anUnknownUnitIsATypedErrorBeforeAnythingChanges() throws Exception {
        String unit = bot("known", true, false);
        String pid = mainPid(unit);
        Plan plan = Plan.named("typo").target("bot")
                .step(Systemd.stop(unit).using(systemctl))
                .step(Systemd.start("my_form_bto").using(systemctl))
                .build();

        assertThatThrownBy(() -> runner.run(plan))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("my_form_bto.service not found")
                .cause().isInstanceOfSatisfying(SystemdException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SystemdException.Reason.UNIT_NOT_FOUND);
                    assertThat(e.unit()).isEqualTo("my_form_bto.service");
                });
        assertThat(systemd.isActive(unit)).isTrue();
        assertThat(mainPid(unit)).isEqualTo(pid);
    }

    @Test
    void enablingAStaticUnitIsRefusedBeforeAnythingChanges() {
        Plan plan = Plan.named("static").target("bot")
                .step(Systemd.enable("systemd-journald.service").using(systemctl)).build();

        assertThatThrownBy(() -> runner.run(plan)).isInstanceOf(StepValidationException.class)
                .hasMessageContaining("UnitFileState=static")
                .cause().isInstanceOfSatisfying(SystemdException.class,
                        e -> assertThat(e.reason()).isEqualTo(SystemdException.Reason.UNSUPPORTED_STATE));
    }

    @Test
    void installUnitCreatesAndLoadsANewUnitAndItsUndoRemovesIt() throws Exception {
        Files.writeString(BOX.host("etc/fresh.env"), "MODE=good\n");
        Path file = BOX.unitDir().resolve("fresh.service");
        Plan plan = Plan.named("install").target("bot")
                .step(Systemd.installUnit("fresh.service", botUnit("/etc/fresh.env")).in(BOX.unitDir()).using(systemctl))
                .verify(Step.verification("loaded", ctx -> {
                    assertThat(systemd.show("fresh.service", "LoadState").get("LoadState")).isEqualTo("loaded");
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
                    throw new IllegalStateException("roll it back");
                }))
                .build();

        assertThat(runner.run(plan)).rolledBack().compensated("install unit fresh.service");
        assertThat(file).doesNotExist();
        assertThat(systemd.exists("fresh.service")).isFalse();
    }

    @Test
    void installUnitOverAnExistingUnitIsUndoneByteForByteAndReloaded() throws Exception {
        String unit = bot("replaced", true, false);
        Path file = BOX.unitDir().resolve(unit);
        byte[] original = Files.readAllBytes(file);
        String changed = botUnit("/etc/replaced.env").replace("Description=form bot", "Description=form bot v2");
        Plan plan = Plan.named("replace unit").target("bot")
                .step(Systemd.installUnit(unit, changed).in(BOX.unitDir()).using(systemctl))
                .step(Systemd.restart(unit).using(systemctl))
                .verify(Step.verification("description", ctx -> {
                    assertThat(systemd.show(unit, "Description").get("Description")).isEqualTo("form bot v2");
                    throw new IllegalStateException("roll it back");
                }))
                .build();

        assertThat(runner.run(plan)).rolledBack();
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(new String(original, StandardCharsets.UTF_8)).contains("Description=form bot\n");
        assertThat(systemd.show(unit, "Description", "NeedDaemonReload"))
                .containsEntry("Description", "form bot").containsEntry("NeedDaemonReload", "no");
        assertThat(systemd.isActive(unit)).isTrue();
    }

    @Test
    void aSucceededRunIsRolledBackLaterFromTheJournalAlone() throws Exception {
        String unit = bot("later", true, false);
        Plan plan = Plan.named("retire").target("later")
                .step(Systemd.stop(unit).using(systemctl))
                .step(Systemd.enable(unit).using(systemctl))
                .build();
        RunResult done = runner.run(plan);
        assertThat(done).succeeded();
        assertThat(systemd.isActive(unit)).isFalse();

        Runner fresh = Backstep.runner().stateDir(tmp.resolve("state")).journal(journal).build();
        RunResult undone = fresh.rollback(done.runId());

        assertThat(undone).rolledBack();
        assertThat(systemd.isActive(unit)).isTrue();
        assertThat(systemd.isEnabled(unit)).isFalse();
    }

    @Test
    void rehearsalOfStopInstallRestartRestoresExactly() throws Exception {
        String unit = bot("rehearsed", true, true);
        Plan plan = Plan.named("rehearse").target("rehearsed")
                .step(Systemd.stop(unit).using(systemctl))
                .step(Systemd.installUnit("rehearsed-helper.service", botUnit("/etc/rehearsed.env"))
                        .in(BOX.unitDir()).using(systemctl))
                .step(Systemd.restart(unit).using(systemctl))
                .verify(Systemd.healthy(unit).using(systemctl).within(Duration.ofSeconds(10)))
                .build();

        Rehearsal r = runner.rehearse(plan);

        assertThat(r).restoredExactly();
        assertThat(systemd.isActive(unit)).isTrue();
    }

    @Test
    void serviceManagerReadsStateAndNamesFailures() throws Exception {
        String unit = bot("spi", true, false);

        assertThat(systemd.isActive(unit)).isTrue();
        assertThat(systemd.isEnabled(unit)).isFalse();
        assertThat(systemd.exists(unit)).isTrue();
        assertThat(systemd.show(unit, "Type", "LoadState")).containsEntry("Type", "simple").containsEntry("LoadState", "loaded");
        assertThat(systemd.cat(unit)).contains("ExecStart=/bin/sh");
        assertThatThrownBy(() -> systemd.reload(unit)).isInstanceOfSatisfying(SystemdException.class, e -> {
            assertThat(e.reason()).isEqualTo(SystemdException.Reason.COMMAND_FAILED);
            assertThat(e).hasMessageContaining("reload").hasMessageContaining(unit);
        });
        assertThatThrownBy(() -> systemd.start("absent.service")).isInstanceOfSatisfying(SystemdException.class,
                e -> assertThat(e.reason()).isEqualTo(SystemdException.Reason.UNIT_NOT_FOUND));
    }

    @Test
    void logsCheckReadsTheUnitsJournalSinceTheRunStartedAndQuotesMatchingLinesMasked() throws Exception {
        String unit = "chatty.service";
        Path env = BOX.host("etc/chatty.env");
        Files.writeString(BOX.unitDir().resolve(unit), "[Service]\nEnvironmentFile=/etc/chatty.env\n"
                + "ExecStart=/bin/sh -c 'if [ \"$$MODE\" = good ]; then echo started fine; else echo \"ERROR cannot log in"
                + " password=hunter2\"; fi; exec /bin/sleep infinity'\n");
        Files.writeString(env, "MODE=broken\n");
        systemd.daemonReload();
        systemd.start(unit); // an ERROR line from before the run: it must not count
        systemd.stop(unit);
        Files.writeString(env, "MODE=good\n");
        systemd.start(unit);
        Plan broken = Plan.named("break chatty").target("chatty")
                .step(ConfigFile.replace(env, "MODE=broken\n"))
                .step(Systemd.restart(unit).using(systemctl))
                .verify(Systemd.logs(unit, systemctl).noneMatch("ERROR")
                        .during(Duration.ofSeconds(5)).every(Duration.ofMillis(200)))
                .build();

        RunResult result = runner.run(broken);

        assertThat(result).rolledBack();
        assertThat(result.failure().orElseThrow()).hasStackTraceContaining("journal of chatty.service: expected no line"
                + " matching /ERROR/ since the run started but found 1: \"ERROR cannot log in password=****\"");
        assertThat(Files.readString(env)).isEqualTo("MODE=good\n");

        RunResult quiet = runner.run(Plan.named("restart chatty").target("chatty")
                .step(Systemd.restart(unit).using(systemctl))
                .verify(Systemd.logs(unit, systemctl).noneMatch("ERROR")
                        .during(Duration.ofSeconds(2)).every(Duration.ofMillis(200)))
                .build());
        assertThat(quiet.status()).isEqualTo(dev.backstep.RunStatus.SUCCEEDED);
    }
}
