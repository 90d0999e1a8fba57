package dev.backstep.examples.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.CommandFailedException;
import dev.backstep.Plan;
import dev.backstep.examples.runbooks.Runbook002.Services;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.systemd.SystemdException;
import dev.backstep.systemd.SystemdException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exact PowerShell argv {@link WindowsServices} sends, through a recording command runner (no
 * Windows machine runs these tests), and how it reads {@code Get-Service}'s answers.
 */
class WindowsServicesTest {
    static final String PS = "powershell.exe";

    /** Records every spec; answers with {@code stdout}, or fails with exit 1 and {@code stderr} when set. */
    static final class Recording implements CommandRunner {
        final List<CommandSpec> specs = new ArrayList<>();
        String stdout = "";
        String stderr;

        @Override
        public CommandResult run(CommandSpec spec) {
            specs.add(spec);
            if (stderr != null) {
                throw new CommandFailedException(spec.argv(), 1, stderr);
            }
            return new CommandResult(spec.argv(), 0, stdout, "", Duration.ZERO, false);
        }

        List<List<String>> argvs() {
            return specs.stream().map(CommandSpec::argv).toList();
        }
    }

    final Recording rec = new Recording();
    final WindowsServices windows = WindowsServices.over(rec);

    static List<String> ps(String script) {
        return List.of(PS, "-NoProfile", "-NonInteractive", "-Command", script);
    }

    @Test
    void stopStartAndRestartSendOneFixedCmdletWithTheNameAsAQuotedLiteral() {
        windows.stop("pthn_bot");
        windows.start("pthn_bot");
        windows.restart("pthn_bot");

        assertThat(rec.argvs()).containsExactly(
                ps("Stop-Service -Name 'pthn_bot' -ErrorAction Stop"),
                ps("Start-Service -Name 'pthn_bot' -ErrorAction Stop"),
                ps("Restart-Service -Name 'pthn_bot' -ErrorAction Stop"));
        assertThat(rec.specs).allSatisfy(s -> assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(3)));
    }

    @Test
    void enableAndDisableSetTheStartupType() {
        windows.enable("pthn_bot");
        windows.disable("pthn_bot");

        assertThat(rec.argvs()).containsExactly(
                ps("Set-Service -Name 'pthn_bot' -StartupType Automatic -ErrorAction Stop"),
                ps("Set-Service -Name 'pthn_bot' -StartupType Disabled -ErrorAction Stop"));
    }

    @Test
    void showReadsGetServiceAndMapsStatusAndStartTypeToSystemdStates() {
        rec.stdout = "Status=Running\r\nStartType=Automatic\r\n";

        Map<String, String> props = windows.show("pthn_bot");

        assertThat(rec.argvs()).containsExactly(ps("$s = Get-Service -Name 'pthn_bot' -ErrorAction SilentlyContinue;"
                + " if ($null -eq $s) { 'Status=NotFound' } else { 'Status=' + $s.Status; 'StartType=' + $s.StartType }"));
        assertThat(props).containsEntry("LoadState", "loaded").containsEntry("ActiveState", "active")
                .containsEntry("UnitFileState", "enabled");
        assertThat(windows.isActive("pthn_bot")).isTrue();

        rec.stdout = "Status=Stopped\nStartType=Manual\n";
        assertThat(windows.show("pthn_bot", "ActiveState", "UnitFileState"))
                .containsExactly(Map.entry("ActiveState", "inactive"), Map.entry("UnitFileState", "manual"));
        rec.stdout = "Status=StopPending\nStartType=Disabled\n";
        assertThat(windows.show("pthn_bot")).containsEntry("ActiveState", "deactivating")
                .containsEntry("UnitFileState", "disabled");
        rec.stdout = "Status=StartPending\nStartType=AutomaticDelayedStart\n";
        assertThat(windows.show("pthn_bot")).containsEntry("ActiveState", "activating")
                .containsEntry("UnitFileState", "enabled");
    }

    @Test
    void aServiceGetServiceDoesNotFindIsNotFound() {
        rec.stdout = "Status=NotFound\n";

        assertThat(windows.exists("no_such_bot")).isFalse();
        assertThat(windows.isActive("no_such_bot")).isFalse();
    }

    @Test
    void catShowsTheWin32ServiceRegistrationWithTheFilterQuotedInside() {
        rec.stdout = "Name : pthn_bot\n";

        assertThat(windows.cat("pthn_bot")).isEqualTo("Name : pthn_bot\n");
        assertThat(rec.argvs()).containsExactly(ps("Get-CimInstance -ClassName Win32_Service -Filter 'Name=''pthn_bot'''"
                + " -ErrorAction Stop | Format-List Name,DisplayName,PathName,StartMode,StartName,State"));
    }

    @Test
    void anotherPowerShellExecutableIsUsedAsGiven() {
        WindowsServices.over(rec, "C:\\Program Files\\PowerShell\\7\\pwsh.exe").stop("pthn_bot");

        assertThat(rec.argvs()).containsExactly(List.of("C:\\Program Files\\PowerShell\\7\\pwsh.exe", "-NoProfile",
                "-NonInteractive", "-Command", "Stop-Service -Name 'pthn_bot' -ErrorAction Stop"));
    }

    @Test
    void namesThatCouldEscapeTheLiteralAreRefusedBeforeAnythingRuns() {
        for (String bad : List.of("bot'; Remove-Item C:\\ -Recurse; '", "bot name", "$env:PATH", "bot`n", "-bot",
                "", "bot\"x", "a;b", "x".repeat(257))) {
            assertThatThrownBy(() -> windows.stop(bad)).as(bad).isInstanceOf(SystemdException.class)
                    .isInstanceOf(BackstepException.class)
                    .satisfies(e -> assertThat(((SystemdException) e).reason()).isEqualTo(Reason.INVALID_ARGUMENT))
                    .hasMessageContaining("not a valid Windows service name");
        }
        assertThatThrownBy(() -> windows.show(null)).isInstanceOf(SystemdException.class);
        assertThatThrownBy(() -> WindowsServices.over(rec, "power\nshell.exe")).isInstanceOf(SystemdException.class);
        assertThatThrownBy(() -> WindowsServices.over(null)).isInstanceOf(SystemdException.class);
        assertThatThrownBy(() -> Services.windows(" ")).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining("service manager program");
        assertThatThrownBy(() -> Runbook002.Bot.of("bot", java.nio.file.Path.of("/srv/bot/app"), "bot$(x)",
                Services.windows(), bot().db(), bot().migrations())).isInstanceOf(SystemdException.class);
        assertThat(rec.specs).isEmpty();
    }

    @Test
    void literalDoublesEveryQuote() {
        assertThat(WindowsServices.literal("it's")).isEqualTo("'it''s'");
    }

    @Test
    void reloadIsRefusedAndDaemonReloadRunsNothing() {
        assertThatThrownBy(() -> windows.reload("pthn_bot")).isInstanceOf(SystemdException.class)
                .satisfies(e -> assertThat(((SystemdException) e).reason()).isEqualTo(Reason.UNSUPPORTED_STATE));
        windows.daemonReload();

        assertThat(rec.specs).isEmpty();
    }

    @Test
    void aFailingCmdletBecomesASystemdExceptionNamingTheServiceAndTheReason() {
        rec.stderr = "Stop-Service : Cannot find any service with service name 'pthn_bot'.";

        assertThatThrownBy(() -> windows.stop("pthn_bot")).isInstanceOf(SystemdException.class)
                .satisfies(e -> assertThat(((SystemdException) e).reason()).isEqualTo(Reason.UNIT_NOT_FOUND))
                .hasMessageContaining("pthn_bot").hasMessageContaining("exit code 1");
        rec.stderr = "Stop-Service : Service 'pthn_bot' cannot be stopped due to the following error: access denied";
        assertThatThrownBy(() -> windows.stop("pthn_bot")).isInstanceOf(SystemdException.class)
                .satisfies(e -> assertThat(((SystemdException) e).reason()).isEqualTo(Reason.COMMAND_FAILED));
    }

    @Test
    void theRunningVerificationIsAJournalableArgvThatExitsOneWhenTheServiceDoesNotRun() {
        assertThat(Services.windows().running("pthn_bot").argv()).isEqualTo(
                ps("if ((Get-Service -Name 'pthn_bot' -ErrorAction Stop).Status -ne 'Running') { exit 1 }"));
        assertThatThrownBy(() -> Services.windows().running("x'y")).isInstanceOf(SystemdException.class);
    }

    @Test
    void theServiceStepsOfThePlanDriveWindowsThroughPowerShell(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        // the same step objects the integration test runs with systemd, here against a recording runner
        rec.stdout = "Status=Running\nStartType=Automatic\n";
        Plan plan = Plan.named("services").target("bot")
                .step(Runbook002.stopService(bot()))
                .build();

        dev.backstep.RunResult r = dev.backstep.Backstep.runner().commands(rec)
                .journal(dev.backstep.spi.Journal.inMemory()).stateDir(tmp).build().run(plan);

        assertThat(r.status()).isEqualTo(dev.backstep.RunStatus.SUCCEEDED);
        assertThat(rec.argvs()).contains(ps("Stop-Service -Name 'pthn_bot' -ErrorAction Stop"));
        assertThat(rec.argvs()).allSatisfy(a -> assertThat(a.subList(0, 4))
                .containsExactly(PS, "-NoProfile", "-NonInteractive", "-Command"));
    }

    /** A fake service control manager behind the argv: Stop-Service and Start-Service change what Get-Service says. */
    static final class FakeScm implements CommandRunner {
        final List<List<String>> argvs = new ArrayList<>();
        boolean running = true;

        @Override
        public CommandResult run(CommandSpec spec) {
            argvs.add(spec.argv());
            String script = spec.argv().get(4);
            if (script.startsWith("Stop-Service")) {
                running = false;
            } else if (script.startsWith("Start-Service")) {
                running = true;
            }
            String out = script.startsWith("$s = Get-Service") ? "Status=" + (running ? "Running" : "Stopped")
                    + "\nStartType=Automatic\n" : "";
            return new CommandResult(spec.argv(), 0, out, "", Duration.ZERO, false);
        }
    }

    @Test
    void aRolledBackStopStartsTheWindowsServiceAgainLiveAndFromTheJournalInANewRunner(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        FakeScm scm = new FakeScm();
        dev.backstep.spi.Journal journal = dev.backstep.spi.Journal.inMemory();
        Plan failing = Plan.named("services").target("bot")
                .step(Runbook002.stopService(bot()))
                .verify(dev.backstep.Step.verification("smoke test", ctx -> {
                    throw new IllegalStateException("smoke test failed");
                }))
                .build();

        dev.backstep.RunResult r = dev.backstep.Backstep.runner().commands(scm).journal(journal)
                .stateDir(tmp.resolve("a")).build().run(failing);

        assertThat(r.status()).isEqualTo(dev.backstep.RunStatus.ROLLED_BACK);
        assertThat(scm.running).isTrue();
        assertThat(scm.argvs).containsSubsequence(ps("Stop-Service -Name 'pthn_bot' -ErrorAction Stop"),
                ps("Start-Service -Name 'pthn_bot' -ErrorAction Stop"));

        // a succeeded stop, rolled back by a runner that knows no plan: the compensation comes from the registry
        scm.argvs.clear();
        dev.backstep.RunResult stopped = dev.backstep.Backstep.runner().commands(scm).journal(journal)
                .stateDir(tmp.resolve("a")).build().run(Plan.named("stop").target("bot2")
                        .step(Runbook002.stopService(bot())).build());
        assertThat(stopped.status()).isEqualTo(dev.backstep.RunStatus.SUCCEEDED);
        assertThat(scm.running).isFalse();

        dev.backstep.RunResult back = dev.backstep.Backstep.runner().commands(scm).journal(journal)
                .stateDir(tmp.resolve("b")).build().rollback(stopped.runId());

        assertThat(back.status()).isEqualTo(dev.backstep.RunStatus.ROLLED_BACK);
        assertThat(scm.running).isTrue();
        assertThat(scm.argvs.get(scm.argvs.size() - 1)).isEqualTo(ps("Start-Service -Name 'pthn_bot' -ErrorAction Stop"));
    }

    static Runbook002.Bot bot() {
        java.nio.file.Path app = java.nio.file.Path.of("/srv/bot/app");
        return Runbook002.Bot.of("bot", app, "pthn_bot", Services.windows(),
                dev.backstep.db.Db.postgres(dev.backstep.db.DbConnection.withoutPassword("127.0.0.1", 5432, "bot", "bot")),
                dev.backstep.db.migrate.Migrations.alembic(app));
    }
}
