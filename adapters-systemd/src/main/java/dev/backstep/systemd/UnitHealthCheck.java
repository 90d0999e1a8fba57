package dev.backstep.systemd;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.check.Check;
import dev.backstep.check.PollingCheck;
import dev.backstep.systemd.SystemdException.Reason;
import java.util.Map;

/**
 * A verification that a unit is up: {@code ActiveState=active} (a unit that is {@code failed},
 * {@code activating} or {@code inactive} fails the attempt), polled like the other
 * {@link Check checks} until it passes or the deadline ends. Built by {@link Systemd#healthy};
 * immutable.
 *
 * <pre>{@code
 * Step up = Systemd.healthy("my_form_bot.service")
 *     .within(Duration.ofSeconds(30)).every(Duration.ofSeconds(1)).consecutive(3);
 * }</pre>
 *
 * <p>A service that crashes right after starting may look active for a moment: ask for a few
 * {@link #consecutive} passes. Failure message: {@code my_form_bot.service: expected ActiveState
 * <active> but was <failed> (SubState=failed, Result=exit-code)} plus the last attempts.
 */
public final class UnitHealthCheck extends PollingCheck<UnitHealthCheck> {
    private final String unit;
    private final Systemctl systemctl;

    private UnitHealthCheck(String unit, Systemctl systemctl, String name, Schedule schedule) {
        super(name, Systemd.HEALTHY, schedule);
        this.unit = unit;
        this.systemctl = systemctl;
    }

    static UnitHealthCheck of(String unit, Systemctl systemctl) {
        return new UnitHealthCheck(unit, systemctl, unit + " healthy", Schedule.ONCE);
    }

    @Override
    protected UnitHealthCheck copy(String name, Schedule schedule) {
        return new UnitHealthCheck(unit, systemctl, name, schedule);
    }

    /** Asks this systemctl. */
    public UnitHealthCheck using(Systemctl other) {
        if (other == null) {
            throw new PlanDefinitionException(null, name(), "systemctl is null");
        }
        return new UnitHealthCheck(unit, other, name(), schedule());
    }

    public String unit() {
        return unit;
    }

    /** Asks systemd for the unit's state until it is active. */
    @Override
    public void execute(StepContext ctx) throws Exception {
        poll(ctx, c -> {
            Map<String, String> p = systemctl.manager(c.commands())
                    .show(unit, "LoadState", "ActiveState", "SubState", "Result");
            String active = p.getOrDefault("ActiveState", "");
            if (!active.equals("active")) {
                throw new SystemdException(Reason.COMMAND_FAILED, unit, unit + ": expected ActiveState <active> but was <"
                        + active + "> (SubState=" + p.getOrDefault("SubState", "") + ", Result="
                        + p.getOrDefault("Result", "") + ", LoadState=" + p.getOrDefault("LoadState", "") + ")");
            }
        });
    }

    @Override
    public String describe() {
        return "check " + name() + polled() + ": ActiveState=active"
                + (systemctl.equals(Systemctl.system()) ? "" : " via " + systemctl);
    }

    @Override
    public String toString() {
        return "UnitHealthCheck[" + unit + "]";
    }
}
