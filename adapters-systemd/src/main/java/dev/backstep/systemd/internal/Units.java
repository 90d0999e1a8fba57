package dev.backstep.systemd.internal;

import dev.backstep.PlanDefinitionException;
import dev.backstep.systemd.SystemdException;
import java.util.regex.Pattern;

/** Unit name checks. */
public final class Units {
    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9:_\\\\][A-Za-z0-9:_.\\\\@-]*\\.(service|socket|device|mount|automount|swap|target|path|timer"
                    + "|slice|scope)");
    private static final Pattern SUFFIX = Pattern.compile(".*\\.(service|socket|device|mount|automount|swap|target"
            + "|path|timer|slice|scope)");

    private Units() {
    }

    /** A full unit name: {@code name} as given, or {@code name.service} when it has no unit suffix. */
    public static String normalize(String name) {
        if (name == null) {
            throw new PlanDefinitionException(null, null, "the unit name is null");
        }
        return require(SUFFIX.matcher(name).matches() ? name : name + ".service");
    }

    /** @throws PlanDefinitionException unless {@code unit} is a full, valid unit name */
    public static String require(String unit) {
        if (unit == null) {
            throw new PlanDefinitionException(null, null, "the unit name is null");
        }
        if (unit.length() > 255 || !NAME.matcher(unit).matches() || unit.startsWith(".")) {
            throw new PlanDefinitionException(null, null, "'" + unit + "' is not a valid unit name"
                    + " (letters, digits, ':', '_', '.', '@', '-', '\\', not starting with '-' or '.', ending in a"
                    + " unit type such as .service)");
        }
        return unit;
    }

    /** True when systemd counts the ActiveState as running ({@code active}, {@code reloading}, {@code activating}). */
    public static boolean running(String activeState) {
        return "active".equals(activeState) || "reloading".equals(activeState) || "activating".equals(activeState);
    }
}
