package dev.backstep.examples.runbooks;

import dev.backstep.CommandFailedException;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.SystemdException;
import dev.backstep.systemd.SystemdException.Reason;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@link ServiceManager} over Windows PowerShell ({@code Get-Service}, {@code Stop-Service},
 * {@code Start-Service}, {@code Restart-Service}, {@code Set-Service}), so that the systemd-shaped
 * service steps of {@link Runbook002} drive a Windows service. Every call is one argv:
 * {@code powershell.exe -NoProfile -NonInteractive -Command <script>}, where the script is a fixed
 * template and the service name, validated first (letters, digits, {@code _ . @ -}), is inserted
 * only as a single-quoted PowerShell literal (quotes doubled). No shell, no user text in the script.
 *
 * <pre>{@code
 * ServiceManager windows = WindowsServices.over(CommandRunner.local());
 * windows.stop("pthn_bot");                 // powershell.exe ... -Command Stop-Service -Name 'pthn_bot' -ErrorAction Stop
 * boolean up = windows.isActive("pthn_bot"); // Get-Service: Status Running -> ActiveState=active
 * }</pre>
 *
 * <p>{@link #show} maps {@code Get-Service}'s {@code Status} to systemd's vocabulary (Running →
 * {@code active}, Stopped → {@code inactive}, StartPending → {@code activating}, StopPending →
 * {@code deactivating}, Paused → {@code inactive}, no such service → {@code LoadState=not-found}) and
 * its {@code StartType} (Automatic → {@code enabled}, Disabled → {@code disabled}, Manual →
 * {@code manual}). {@link #enable} sets {@code -StartupType Automatic}, {@link #disable}
 * {@code Disabled}; {@link #reload} is refused (Windows services have none) and
 * {@link #daemonReload} does nothing (the service control manager has no unit files to re-read).
 * Tested only on the argv it sends: no Windows machine runs this project's tests.
 */
public final class WindowsServices implements ServiceManager {
    /** PowerShell 5.1, on the PATH of every Windows Server since 2016. */
    public static final String POWERSHELL = "powershell.exe";
    /** Stop-Service waits for the service to stop; the service control manager's own limit is 125 s. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,255}");

    private final CommandRunner commands;
    private final String powershell;

    private WindowsServices(CommandRunner commands, String powershell) {
        this.commands = commands;
        this.powershell = powershell;
    }

    /** {@code powershell.exe} from the PATH, run through {@code commands}. */
    public static WindowsServices over(CommandRunner commands) {
        return over(commands, POWERSHELL);
    }

    /**
     * This PowerShell executable ({@code pwsh.exe}, a full path), run through {@code commands}.
     *
     * @throws SystemdException INVALID_ARGUMENT for a null runner or a blank executable
     */
    public static WindowsServices over(CommandRunner commands, String powershell) {
        if (commands == null) {
            throw new SystemdException(Reason.INVALID_ARGUMENT, null, "the command runner is null");
        }
        if (powershell == null || powershell.isBlank() || powershell.indexOf('\n') >= 0 || powershell.indexOf('\0') >= 0) {
            throw new SystemdException(Reason.INVALID_ARGUMENT, null, "the PowerShell executable is blank or holds a"
                    + " newline");
        }
        return new WindowsServices(commands, powershell);
    }

    /**
     * {@code name} when it is a service name this class accepts: 1 to 256 letters, digits,
     * {@code _ . @ -}, not starting with {@code . @ -}.
     *
     * @throws SystemdException INVALID_ARGUMENT otherwise
     */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SystemdException(Reason.INVALID_ARGUMENT, name, "'" + name + "' is not a valid Windows service"
                    + " name here (1 to 256 letters, digits, '_', '.', '@', '-', starting with a letter, digit or '_')");
        }
        return name;
    }

    /**
     * The argv that exits 0 when the service runs and 1 otherwise, for a verification that a
     * process without this object can run again from the journal.
     */
    public static List<String> isRunningArgv(String powershell, String name) {
        return argv(powershell, "if ((Get-Service -Name " + literal(requireName(name))
                + " -ErrorAction Stop).Status -ne 'Running') { exit 1 }");
    }

    @Override
    public Map<String, String> show(String name, String... properties) {
        String out = run(name, "$s = Get-Service -Name " + literal(requireName(name)) + " -ErrorAction SilentlyContinue;"
                + " if ($null -eq $s) { 'Status=NotFound' } else { 'Status=' + $s.Status; 'StartType=' + $s.StartType }")
                .stdout();
        Map<String, String> raw = new LinkedHashMap<>();
        for (String line : out.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                raw.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        String status = raw.getOrDefault("Status", "");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("LoadState", status.equals("NotFound") ? "not-found" : "loaded");
        all.put("ActiveState", switch (status) {
            case "Running" -> "active";
            case "StartPending", "ContinuePending" -> "activating";
            case "StopPending", "PausePending" -> "deactivating";
            default -> "inactive";
        });
        String startType = raw.getOrDefault("StartType", "");
        if (!startType.isEmpty()) {
            all.put("UnitFileState", startType.startsWith("Automatic") ? "enabled"
                    : startType.equals("Disabled") ? "disabled" : startType.toLowerCase(java.util.Locale.ROOT));
        }
        if (properties.length == 0) {
            return all;
        }
        Map<String, String> picked = new LinkedHashMap<>();
        for (String p : properties) {
            if (all.containsKey(p)) {
                picked.put(p, all.get(p));
            }
        }
        return picked;
    }

    @Override
    public void start(String name) {
        service("Start-Service", name, "");
    }

    @Override
    public void stop(String name) {
        service("Stop-Service", name, "");
    }

    @Override
    public void restart(String name) {
        service("Restart-Service", name, "");
    }

    /** @throws SystemdException UNSUPPORTED_STATE always: a Windows service cannot reload */
    @Override
    public void reload(String name) {
        requireName(name);
        throw new SystemdException(Reason.UNSUPPORTED_STATE, name, "Windows services have no reload: restart " + name
                + " instead");
    }

    @Override
    public void enable(String name) {
        service("Set-Service", name, " -StartupType Automatic");
    }

    @Override
    public void disable(String name) {
        service("Set-Service", name, " -StartupType Disabled");
    }

    /** Runs {@code <cmdlet> -Name '<name>'<options> -ErrorAction Stop} for the (validated) service {@code name}. */
    private void service(String cmdlet, String name, String options) {
        run(name, cmdlet + " -Name " + literal(requireName(name)) + options + " -ErrorAction Stop");
    }

    /** Nothing to re-read: the service control manager has no unit files. */
    @Override
    public void daemonReload() {
    }

    /** The service's registration as {@code Win32_Service} shows it (binary path, start mode, account). */
    @Override
    public String cat(String name) {
        return run(name, "Get-CimInstance -ClassName Win32_Service -Filter " + literal("Name='" + requireName(name) + "'")
                + " -ErrorAction Stop | Format-List Name,DisplayName,PathName,StartMode,StartName,State").stdout();
    }

    /** A PowerShell single-quoted literal: nothing inside is interpreted, a quote is doubled. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static List<String> argv(String powershell, String script) {
        return List.of(powershell, "-NoProfile", "-NonInteractive", "-Command", script);
    }

    private CommandResult run(String name, String script) {
        List<String> argv = argv(powershell, script);
        try {
            return commands.run(CommandSpec.of(argv).timeout(TIMEOUT));
        } catch (ProgramNotFoundException e) {
            throw new SystemdException(Reason.SYSTEMCTL_NOT_FOUND, name, "cannot run " + powershell + ": "
                    + e.getMessage(), e);
        } catch (CommandFailedException e) {
            String stderr = e.stderrTail() == null ? "" : e.stderrTail().strip();
            Reason reason = stderr.contains("Cannot find any service") ? Reason.UNIT_NOT_FOUND : Reason.COMMAND_FAILED;
            throw new SystemdException(reason, name, powershell + " -Command " + script + " failed with exit code "
                    + e.exitCode() + (stderr.isEmpty() ? "" : ": " + stderr), e);
        }
    }

    @Override
    public String toString() {
        return "WindowsServices[" + powershell + "]";
    }
}
