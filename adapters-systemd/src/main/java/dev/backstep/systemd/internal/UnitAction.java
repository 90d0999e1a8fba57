package dev.backstep.systemd.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.Systemctl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state-changing systemctl verbs a step can run, each with its stateless compensation that
 * puts back exactly the recorded state: a stopped unit stays stopped, a disabled one disabled.
 */
public enum UnitAction {
    START("start", "systemd.start"),
    STOP("stop", "systemd.stop"),
    RESTART("restart", "systemd.restart"),
    ENABLE("enable", "systemd.enable"),
    DISABLE("disable", "systemd.disable");

    private final String verb;
    private final String type;
    private final Compensation compensation;

    UnitAction(String verb, String type) {
        this.verb = verb;
        this.type = type;
        this.compensation = new Restore(this);
    }

    public String verb() {
        return verb;
    }

    public String type() {
        return type;
    }

    public Compensation compensation() {
        return compensation;
    }

    /** Whether the step changes the enablement (else the running state). */
    public boolean aboutEnablement() {
        return this == ENABLE || this == DISABLE;
    }

    /** The unit property the step records and its undo puts back: UnitFileState or ActiveState. */
    public String stateProperty() {
        return aboutEnablement() ? "UnitFileState" : "ActiveState";
    }

    /** The journal key of a unit's {@link #stateProperty()} before the step. */
    public String stateKey(String unit) {
        return aboutEnablement() ? Keys.enabled(unit) : Keys.active(unit);
    }

    /** Runs the verb on one unit. */
    public void apply(ServiceManager m, String unit) {
        switch (this) {
            case START:
                m.start(unit);
                break;
            case STOP:
                m.stop(unit);
                break;
            case RESTART:
                m.restart(unit);
                break;
            case ENABLE:
                m.enable(unit);
                break;
            default:
                m.disable(unit);
                break;
        }
    }

    /** Reads only recorded values; idempotent; units whose state was never recorded were not touched. */
    private static final class Restore implements Compensation {
        private final UnitAction action;

        Restore(UnitAction action) {
            this.action = action;
        }

        @Override
        public void compensate(StepContext ctx) {
            Optional<String> systemctl = ctx.recorded(Keys.SYSTEMCTL);
            Optional<String> units = ctx.recorded(Keys.UNITS);
            if (systemctl.isEmpty() || units.isEmpty()) {
                return; // recorded before any change: nothing changed yet
            }
            ServiceManager m = Systemctl.decode(systemctl.get(), ctx.commands());
            List<String> list = new ArrayList<>(List.of(units.get().split("\n")));
            java.util.Collections.reverse(list);
            for (String unit : list) {
                Optional<String> was = ctx.recorded(action.stateKey(unit));
                if (was.isEmpty()) {
                    continue;
                }
                if (action.aboutEnablement()) {
                    boolean wasEnabled = "enabled".equals(was.get());
                    boolean isEnabled = m.isEnabled(unit);
                    if (wasEnabled && !isEnabled) {
                        m.enable(unit);
                        ctx.logger().info("{}: enabled again", unit);
                    } else if (!wasEnabled && isEnabled) {
                        m.disable(unit);
                        ctx.logger().info("{}: disabled again", unit);
                    }
                    continue;
                }
                boolean wasRunning = Units.running(was.get());
                boolean running = m.isActive(unit);
                if (wasRunning && action == RESTART) {
                    m.restart(unit);
                    ctx.logger().info("{}: restarted again", unit);
                } else if (wasRunning && !running) {
                    m.start(unit);
                    ctx.logger().info("{}: started again (was {})", unit, was.get());
                } else if (!wasRunning && running) {
                    m.stop(unit);
                    ctx.logger().info("{}: stopped again (was {})", unit, was.get());
                }
            }
        }

        @Override
        public String toString() {
            return "restore state before systemctl " + action.verb;
        }
    }
}
