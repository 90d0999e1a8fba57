package dev.backstep.systemd;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.check.Check;
import dev.backstep.check.CustomCheck;
import dev.backstep.systemd.SystemdException.Reason;
import java.time.Duration;
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
public final class UnitHealthCheck implements Step {
    private final String unit;
    private final Systemctl systemctl;
    private final Duration within;
    private final Duration every;
    private final int consecutive;
    private final CustomCheck check;

    private UnitHealthCheck(String unit, Systemctl systemctl, Duration within, Duration every, int consecutive) {
        this.unit = unit;
        this.systemctl = systemctl;
        this.within = within;
        this.every = every;
        this.consecutive = consecutive;
        CustomCheck c = probe(unit, systemctl);
        if (within != null) {
            c = c.within(within);
        }
        if (every != null) {
            c = c.every(every);
        }
        if (consecutive > 0) {
            c = c.consecutive(consecutive);
        }
        this.check = c;
    }

    static UnitHealthCheck of(String unit, Systemctl systemctl) {
        return new UnitHealthCheck(unit, systemctl, null, null, 0);
    }

    private static CustomCheck probe(String unit, Systemctl systemctl) {
        return Check.that(unit + " healthy", ctx -> {
            Map<String, String> p = systemctl.manager(ctx.commands())
                    .show(unit, "LoadState", "ActiveState", "SubState", "Result");
            String active = p.getOrDefault("ActiveState", "");
            if (!active.equals("active")) {
                throw new SystemdException(Reason.COMMAND_FAILED, unit, unit + ": expected ActiveState <active> but was <"
                        + active + "> (SubState=" + p.getOrDefault("SubState", "") + ", Result="
                        + p.getOrDefault("Result", "") + ", LoadState=" + p.getOrDefault("LoadState", "") + ")");
            }
        });
    }

    /** Keeps polling until the unit is up or {@code deadline} has passed (default: one look). */
    public UnitHealthCheck within(Duration deadline) {
        return new UnitHealthCheck(unit, systemctl, deadline, every, consecutive);
    }

    /** The pause between looks (default 1 s). */
    public UnitHealthCheck every(Duration interval) {
        return new UnitHealthCheck(unit, systemctl, within, interval, consecutive);
    }

    /** How many good looks in a row are needed (default 1); needs {@link #within}. */
    public UnitHealthCheck consecutive(int passes) {
        if (passes < 1) {
            // 0 means "not set" inside; given explicitly it is a mistake, not the default
            throw new PlanDefinitionException(null, name(), "consecutive(" + passes + ") must be at least 1");
        }
        return new UnitHealthCheck(unit, systemctl, within, every, passes);
    }

    /** Asks this systemctl. */
    public UnitHealthCheck using(Systemctl other) {
        if (other == null) {
            throw new PlanDefinitionException(null, name(), "systemctl is null");
        }
        return new UnitHealthCheck(unit, other, within, every, consecutive);
    }

    public String unit() {
        return unit;
    }

    @Override
    public String name() {
        return check.name();
    }

    @Override
    public StepKind kind() {
        return StepKind.VERIFICATION;
    }

    @Override
    public String type() {
        return Systemd.HEALTHY;
    }

    @Override
    public Compensation compensation() {
        return Check.COMPENSATION;
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        check.validate(ctx);
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        check.execute(ctx);
    }

    @Override
    public String describe() {
        return check.describe() + ": ActiveState=active" + (systemctl.equals(Systemctl.system()) ? "" : " via " + systemctl);
    }

    @Override
    public String toString() {
        return "UnitHealthCheck[" + unit + "]";
    }
}
