package dev.backstep.systemd;

import java.util.Map;

/**
 * What Backstep needs of a service manager: read a unit's state, change it, reload unit files.
 * {@link Systemctl#manager} gives the implementation over the {@code systemctl} command line;
 * the systemd steps use nothing else, so another implementation (D-Bus, a remote agent) can be
 * slotted in behind the same interface.
 *
 * <pre>{@code
 * ServiceManager systemd = Systemctl.system().manager(CommandRunner.local());
 * if (!systemd.isActive("my_form_bot.service")) {
 *     systemd.start("my_form_bot.service");
 * }
 * String state = systemd.show("my_form_bot.service", "ActiveState", "SubState").get("SubState");
 * }</pre>
 *
 * <p>Unit names are full names ({@code my_form_bot.service}). Every method throws
 * {@link SystemdException}; changing methods wait for systemd's job to finish, like
 * {@code systemctl} does. Implementations are thread-safe.
 */
public interface ServiceManager {

    /**
     * The unit's properties by name, as {@code systemctl show} prints them; a property systemd does
     * not know is absent. A unit that does not exist has {@code LoadState=not-found}.
     */
    Map<String, String> show(String unit, String... properties);

    /** True when {@code ActiveState} is {@code active} (or {@code reloading}). */
    default boolean isActive(String unit) {
        String s = show(unit, "ActiveState").getOrDefault("ActiveState", "");
        return s.equals("active") || s.equals("reloading");
    }

    /** True when {@code UnitFileState} is {@code enabled}. */
    default boolean isEnabled(String unit) {
        return "enabled".equals(show(unit, "UnitFileState").get("UnitFileState"));
    }

    /** False when systemd has no such unit ({@code LoadState=not-found}). */
    default boolean exists(String unit) {
        return !"not-found".equals(show(unit, "LoadState").get("LoadState"));
    }

    void start(String unit);

    void stop(String unit);

    void restart(String unit);

    void reload(String unit);

    void enable(String unit);

    void disable(String unit);

    /** Re-reads unit files ({@code systemctl daemon-reload}). */
    void daemonReload();

    /** The unit file and its drop-ins as systemd sees them ({@code systemctl cat}). */
    String cat(String unit);
}
