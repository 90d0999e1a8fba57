package dev.backstep.systemd;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.spi.AbstractStep;
import dev.backstep.spi.UndoOnFailure;
import dev.backstep.systemd.SystemdException.Reason;
import dev.backstep.systemd.internal.Keys;
import dev.backstep.systemd.internal.UnitAction;
import dev.backstep.systemd.internal.UnitFingerprints;
import dev.backstep.systemd.internal.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code systemctl start|stop|restart|enable|disable} of one or more units, undone back to
 * exactly the state each unit had: before changing anything the step records every unit's
 * {@code ActiveState} (or {@code UnitFileState} for enable and disable), and its compensation
 * starts only the units that were running, stops only those that were not, re-enables only those
 * that were enabled. Built by {@link Systemd}; immutable.
 *
 * <pre>{@code
 * Step stop = Systemd.stop("my_form_bot.service", "my_form_bot-worker.service")
 *     .using(Systemctl.system().via("sudo", "-n"));
 * }</pre>
 *
 * <p>Validation, before any step of the plan runs, refuses units systemd does not know
 * ({@link SystemdException.Reason#UNIT_NOT_FOUND}), units that are masked or whose unit file is
 * broken (for start and restart) and, for enable and disable, units that are neither enabled nor
 * disabled (static, masked, generated). A unit the same plan installs is not known yet then.
 */
public final class UnitStep extends AbstractStep {
    private final UnitAction action;
    private final List<String> units;
    private final Systemctl systemctl;

    UnitStep(UnitAction action, List<String> units, Systemctl systemctl) {
        this(command(action, units), action, units, systemctl);
    }

    private UnitStep(String name, UnitAction action, List<String> units, Systemctl systemctl) {
        super(name, action.type());
        this.action = action;
        this.units = units;
        this.systemctl = systemctl;
    }

    /** The same step talking to systemd through {@code systemctl}. */
    public UnitStep using(Systemctl other) {
        if (other == null) {
            throw new PlanDefinitionException(null, name(), "systemctl is null");
        }
        return new UnitStep(name(), action, units, other);
    }

    @Override
    public UnitStep withName(String newName) {
        return new UnitStep(newName, action, units, systemctl);
    }

    /** The units, full names, in order. */
    public List<String> units() {
        return units;
    }

    /** The systemctl verb: start, stop, restart, enable or disable. */
    public String verb() {
        return action.verb();
    }

    public Systemctl systemctl() {
        return systemctl;
    }

    @Override
    public Compensation compensation() {
        return action.compensation();
    }

    @Override
    public String describe() {
        String undo;
        switch (action) {
            case START:
                undo = "stop the units that were not running";
                break;
            case STOP:
                undo = "start the units that were running";
                break;
            case RESTART:
                undo = "restart the units that were running, stop the others";
                break;
            case ENABLE:
                undo = "disable the units that were not enabled";
                break;
            default:
                undo = "enable the units that were enabled";
                break;
        }
        return command(action, units) + (systemctl.equals(Systemctl.system()) ? "" : " (" + systemctl + ")") + "; undo: " + undo;
    }

    @Override
    public void validate(StepContext ctx) {
        try {
            ServiceManager m = systemctl.manager(ctx.commands());
            for (String unit : units) {
                Map<String, String> p = m.show(unit, "LoadState", "UnitFileState");
                String load = p.getOrDefault("LoadState", "");
                if (load.equals("not-found")) {
                    throw new SystemdException(Reason.UNIT_NOT_FOUND, unit, "unit " + unit + " not found"
                            + " (systemctl show: LoadState=not-found)");
                }
                if ((action == UnitAction.START || action == UnitAction.RESTART) && !load.equals("loaded")) {
                    throw new SystemdException(Reason.UNSUPPORTED_STATE, unit, "cannot " + action.verb() + " "
                            + unit + ": LoadState=" + load);
                }
                String file = p.getOrDefault("UnitFileState", "");
                if (action.aboutEnablement() && !file.equals("enabled") && !file.equals("disabled")) {
                    throw new SystemdException(Reason.UNSUPPORTED_STATE, unit, "cannot " + action.verb() + " "
                            + unit + ": UnitFileState=" + (file.isEmpty() ? "(none)" : file)
                            + " (only enabled or disabled units can be enabled or disabled and undone)");
                }
            }
        } catch (SystemdException e) {
            throw new StepValidationException(ctx.stepName(), e.getMessage(), e);
        }
    }

    @Override
    public String preview(StepContext ctx) {
        ServiceManager m = systemctl.manager(ctx.commands());
        List<String> parts = new ArrayList<>();
        for (String unit : units) {
            String prop = action.stateProperty();
            parts.add(unit + " " + m.show(unit, prop).getOrDefault(prop, "?"));
        }
        return command(action, units) + ": " + String.join(", ", parts);
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        ServiceManager m = systemctl.manager(ctx.commands());
        List<String> before = new ArrayList<>();
        for (String unit : units) {
            String prop = action.stateProperty();
            String state = m.show(unit, prop).getOrDefault(prop, "");
            before.add(unit + " " + state);
            ctx.record(action.stateKey(unit), state);
        }
        ctx.record(Keys.SYSTEMCTL, systemctl.encode());
        ctx.record(Keys.UNITS, String.join("\n", units));
        UndoOnFailure.run(() -> {
            for (String unit : units) {
                ctx.throwIfCancelled();
                action.apply(m, unit);
            }
        }, compensation(), ctx);
        ctx.logger().info("systemctl {} {} (before: {})", action.verb(), units, before);
        ctx.summary("before: " + String.join(", ", before));
    }

    /** Each unit's LoadState, ActiveState, UnitFileState and unit file hash, read-only. */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        ServiceManager m = systemctl.manager(ctx.commands());
        List<Fingerprint> out = new ArrayList<>();
        for (String unit : units) {
            out.add(UnitFingerprints.of(m, systemctl, unit));
        }
        return out;
    }

    static List<String> unitList(String[] names) {
        if (names == null || names.length == 0) {
            throw new PlanDefinitionException(null, null, "name at least one unit, was "
                    + (names == null ? null : "[]"));
        }
        List<String> list = new ArrayList<>();
        for (String n : names) {
            String unit = Units.normalize(n);
            if (list.contains(unit)) {
                throw new PlanDefinitionException(null, null, "unit " + unit + " is named twice in " + List.of(names));
            }
            list.add(unit);
        }
        return List.copyOf(list);
    }

    /** The systemctl command line as a step name and in descriptions: {@code systemctl stop a.service}. */
    private static String command(UnitAction action, List<String> units) {
        return "systemctl " + action.verb() + " " + String.join(" ", units);
    }
}
