package dev.backstep.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.StepRegistry;
import dev.backstep.systemd.SystemdException.Reason;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input is a typed {@link dev.backstep.PlanDefinitionException} from the factories, before any plan runs. */
class SystemdValidationTest {

    static void invalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(BackstepException.class)
                .isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessageContaining(message);
    }

    @Test
    void malformedUnitNamesAreRefused() {
        invalid(() -> Systemd.stop(), "at least one unit");
        invalid(() -> Systemd.stop((String) null), "null");
        invalid(() -> Systemd.start(""), "not a valid unit name");
        invalid(() -> Systemd.start("-H.service"), "not a valid unit name");
        invalid(() -> Systemd.restart("../etc/passwd"), "not a valid unit name");
        invalid(() -> Systemd.enable("a b.service"), "not a valid unit name");
        invalid(() -> Systemd.disable(".hidden.service"), "not a valid unit name");
        invalid(() -> Systemd.healthy("x;reboot"), "not a valid unit name");
        invalid(() -> Systemd.stop("bot", "bot.service"), "named twice");
    }

    @Test
    void unitNamesWithoutSuffixMeanServicesLikeSystemctl() {
        assertThat(Systemd.stop("my_form_bot", "getty@tty1.service", "backup.timer").units())
                .containsExactly("my_form_bot.service", "getty@tty1.service", "backup.timer");
        assertThat(Systemd.restart("my_form_bot").name()).isEqualTo("systemctl restart my_form_bot.service");
    }

    @Test
    void installUnitNeedsAFullNameContentAndAnAbsoluteDirectory() {
        invalid(() -> Systemd.installUnit("my_form_bot", "[Service]\n"), "not a valid unit name");
        invalid(() -> Systemd.installUnit("a/b.service", "[Service]\n"), "not a valid unit name");
        invalid(() -> Systemd.installUnit("bot.service", null), "content is null");
        invalid(() -> Systemd.installUnit("bot.service", "").in(Path.of("relative")), "absolute");
        assertThat(Systemd.installUnit("bot.service", "").path()).isEqualTo(Path.of("/etc/systemd/system/bot.service"));
    }

    @Test
    void systemctlOptionsAreCheckedAndFormTheArgv() {
        invalid(() -> Systemctl.system().machine("bad name"), "machine name");
        invalid(() -> Systemctl.system().via(), "wrapper");
        invalid(() -> Systemctl.system().via("sudo", "-n\n"), "newline");
        invalid(() -> Systemctl.system().executable(" "), "blank");
        invalid(() -> Systemd.stop("a").using(null), "null");
        invalid(() -> Systemctl.system().manager(null), "command runner");
        assertThat(Systemctl.system().via("sudo", "-n").machine("shop").user().prefix())
                .isEqualTo(List.of("sudo", "-n", "systemctl", "--machine=shop", "--user"));
    }

    @Test
    void aMissingSystemctlIsATypedError() {
        ServiceManager m = Systemctl.system().executable("/nonexistent/systemctl").manager(CommandRunner.local());

        assertThatThrownBy(() -> m.isActive("bot.service")).isInstanceOfSatisfying(SystemdException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.SYSTEMCTL_NOT_FOUND));
    }

    @Test
    void aRenamedStepKeepsItsClassTypeAndDescription() {
        UnitStep stop = Systemd.stop("bot");
        InstallUnitStep install = Systemd.installUnit("bot.service", "[Service]\n");

        UnitStep renamed = stop.withName("stop the bot").using(Systemctl.system().user());
        InstallUnitStep renamedInstall = install.withName("install the bot").in(Path.of("/etc/systemd/user"));

        assertThat(renamed.name()).isEqualTo("stop the bot");
        assertThat(renamed.type()).isEqualTo(Systemd.STOP);
        assertThat(renamed.describe()).startsWith("systemctl stop bot.service (systemctl --user); undo:");
        assertThat(renamed).hasToString("UnitStep[stop the bot]");
        assertThat(renamedInstall.name()).isEqualTo("install the bot");
        assertThat(renamedInstall.type()).isEqualTo(Systemd.INSTALL_UNIT);
        assertThat(renamedInstall.path()).isEqualTo(Path.of("/etc/systemd/user/bot.service"));
        assertThat(install.name()).isEqualTo("install unit bot.service");
    }

    @Test
    void everyStepTypeIsRegisteredForRecovery() {
        StepRegistry registry = StepRegistry.discover();

        assertThat(registry.types()).contains(Systemd.START, Systemd.STOP, Systemd.RESTART, Systemd.ENABLE,
                Systemd.DISABLE, Systemd.INSTALL_UNIT, Systemd.HEALTHY);
        assertThat(Systemd.compensations()).hasSize(7);
        assertThat(Systemd.stop("a").type()).isEqualTo("systemd.stop");
        assertThat(Systemd.installUnit("a.service", "").type()).isEqualTo("systemd.install-unit");
    }
}
