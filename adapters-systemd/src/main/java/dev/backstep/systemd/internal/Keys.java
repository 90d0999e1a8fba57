package dev.backstep.systemd.internal;

/** Journal keys of the systemd steps; all prefixed so they never meet a delegate's keys. */
public final class Keys {
    /** The systemctl argv prefix, newline-separated. */
    public static final String SYSTEMCTL = "systemd.systemctl";
    /** The units a step changes, newline-separated, in order. */
    public static final String UNITS = "systemd.units";
    /** The unit file an install step writes. */
    public static final String UNIT = "systemd.unit";

    private Keys() {
    }

    /** ActiveState of a unit before the step. */
    public static String active(String unit) {
        return "systemd.active." + unit;
    }

    /** UnitFileState of a unit before the step. */
    public static String enabled(String unit) {
        return "systemd.enabled." + unit;
    }
}
