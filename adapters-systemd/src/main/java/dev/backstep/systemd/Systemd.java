package dev.backstep.systemd;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.check.Check;
import dev.backstep.check.LogCheck;
import dev.backstep.systemd.internal.JournalLog;
import dev.backstep.systemd.internal.InstallUndo;
import dev.backstep.systemd.internal.UnitAction;
import dev.backstep.systemd.internal.Units;
import java.util.Map;

/**
 * Steps that change systemd units, undone back to exactly the state they found, and a health
 * verification. Every step talks to systemd through a {@link ServiceManager} over
 * {@code systemctl} (argv only, via the run's {@link dev.backstep.spi.CommandRunner}); choose
 * which systemd with {@code using(Systemctl)} (another machine, {@code --user}, {@code sudo -n}).
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy my_form_bot")
 *     .step(Systemd.stop("my_form_bot.service"))                           // undo: start it again, if it ran
 *     .step(ConfigFile.edit(Path.of("/etc/my_form_bot.env")).set("VERSION", "1.3.0"))
 *     .step(Systemd.start("my_form_bot.service"))                          // undo: stop it, if it was stopped
 *     .verify(Systemd.healthy("my_form_bot.service").within(Duration.ofSeconds(30)).consecutive(3))
 *     .build();
 * }</pre>
 *
 * <p>Unit names without a unit suffix get {@code .service}, like systemctl does. Before changing
 * anything, each step records the state of every unit it touches (ActiveState or UnitFileState)
 * and the systemctl command line; its compensation reads only those, so a journal can be rolled
 * back from another process. Step types: {@link #START}, {@link #STOP}, {@link #RESTART},
 * {@link #ENABLE}, {@link #DISABLE}, {@link #INSTALL_UNIT}, {@link #HEALTHY}; see
 * {@link #compensations()}.
 *
 * <p>A restart cannot be undone to the process that ran before: its undo restarts again the units
 * that were running (so they run whatever configuration is in place then) and stops the others.
 * To end a rollback with the old configuration running, prefer stop → change → start.
 */
public final class Systemd {
    /** Type id of {@link #start} steps. */
    public static final String START = UnitAction.START.type();
    /** Type id of {@link #stop} steps. */
    public static final String STOP = UnitAction.STOP.type();
    /** Type id of {@link #restart} steps. */
    public static final String RESTART = UnitAction.RESTART.type();
    /** Type id of {@link #enable} steps. */
    public static final String ENABLE = UnitAction.ENABLE.type();
    /** Type id of {@link #disable} steps. */
    public static final String DISABLE = UnitAction.DISABLE.type();
    /** Type id of {@link #installUnit} steps. */
    public static final String INSTALL_UNIT = "systemd.install-unit";
    /** Type id of {@link #healthy} verifications. */
    public static final String HEALTHY = "systemd.healthy";

    private static final Map<String, Compensation> COMPENSATIONS = Map.of(
            START, UnitAction.START.compensation(),
            STOP, UnitAction.STOP.compensation(),
            RESTART, UnitAction.RESTART.compensation(),
            ENABLE, UnitAction.ENABLE.compensation(),
            DISABLE, UnitAction.DISABLE.compensation(),
            INSTALL_UNIT, InstallUndo.INSTANCE,
            HEALTHY, Check.COMPENSATION);

    private Systemd() {
    }

    /**
     * Starts the units; undo stops those that were not running.
     *
     * @throws PlanDefinitionException for no unit, a bad or repeated name
     */
    public static UnitStep start(String... units) {
        return new UnitStep(UnitAction.START, UnitStep.unitList(units), Systemctl.system());
    }

    /** Stops the units; undo starts those that were running. @throws PlanDefinitionException */
    public static UnitStep stop(String... units) {
        return new UnitStep(UnitAction.STOP, UnitStep.unitList(units), Systemctl.system());
    }

    /**
     * Restarts the units (starting those that were not running); undo restarts again those that
     * were running and stops the others. @throws PlanDefinitionException
     */
    public static UnitStep restart(String... units) {
        return new UnitStep(UnitAction.RESTART, UnitStep.unitList(units), Systemctl.system());
    }

    /** Enables the units (not {@code --now}); undo disables those that were disabled. @throws PlanDefinitionException */
    public static UnitStep enable(String... units) {
        return new UnitStep(UnitAction.ENABLE, UnitStep.unitList(units), Systemctl.system());
    }

    /** Disables the units (not {@code --now}); undo enables those that were enabled. @throws PlanDefinitionException */
    public static UnitStep disable(String... units) {
        return new UnitStep(UnitAction.DISABLE, UnitStep.unitList(units), Systemctl.system());
    }

    /**
     * Writes {@code /etc/systemd/system/<unit>} atomically with a backup and reloads systemd; see
     * {@link InstallUnitStep}. The name needs its unit suffix ({@code my_form_bot.service}).
     *
     * @throws PlanDefinitionException for a bad name or null content
     */
    public static InstallUnitStep installUnit(String unit, String content) {
        return InstallUnitStep.of(unit, content);
    }

    /** A verification that the unit is active; see {@link UnitHealthCheck}. @throws PlanDefinitionException */
    public static UnitHealthCheck healthy(String unit) {
        return UnitHealthCheck.of(Units.normalize(unit), Systemctl.system());
    }

    /**
     * No line the unit logged to the journal ({@code journalctl -u UNIT -o cat}) since the run or
     * the check started may match; see {@link LogCheck}. Reads the journal of the systemd that
     * {@code systemctl} reaches (same wrapper, {@code --machine}, {@code --user}).
     *
     * <pre>{@code
     * plan.verify(Systemd.logs("my_form_bot.service").since(Since.RUN_START).noneMatch("Traceback|ERROR"));
     * }</pre>
     *
     * @throws PlanDefinitionException for a bad unit name or a null systemctl
     */
    public static LogCheck logs(String unit, Systemctl systemctl) {
        if (systemctl == null) {
            throw new PlanDefinitionException(null, null, "the systemctl to read the logs of " + unit + " with is null");
        }
        return Check.log(new JournalLog(systemctl.journalctlPrefix(), Units.normalize(unit)));
    }

    /** {@link #logs(String, Systemctl)} of this machine's system manager. */
    public static LogCheck logs(String unit) {
        return logs(unit, Systemctl.system());
    }

    /**
     * The compensation of every systemd step type, by type id, for rolling back from a journal in
     * another process. Each reads only the values its step recorded.
     */
    public static Map<String, Compensation> compensations() {
        return COMPENSATIONS;
    }
}
