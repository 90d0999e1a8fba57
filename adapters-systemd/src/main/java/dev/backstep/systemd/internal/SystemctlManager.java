package dev.backstep.systemd.internal;

import dev.backstep.CommandFailedException;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.SystemdException;
import dev.backstep.systemd.SystemdException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ServiceManager} over the systemctl command line: argv only, no pager, no password
 * prompts; failures become {@link SystemdException}.
 */
public final class SystemctlManager implements ServiceManager {
    /** Starting or stopping a unit waits for its job; systemd's own default job timeout is 90 s. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final CommandRunner commands;
    private final List<String> prefix;

    public SystemctlManager(CommandRunner commands, List<String> prefix) {
        this.commands = commands;
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public Map<String, String> show(String unit, String... properties) {
        Units.require(unit);
        List<String> args = new ArrayList<>(List.of("show"));
        if (properties.length > 0) {
            args.add("--property=" + String.join(",", properties));
        }
        args.add("--");
        args.add(unit);
        String out = run(unit, args).stdout();
        Map<String, String> props = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                props.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return props;
    }

    @Override
    public void start(String unit) {
        change("start", unit);
    }

    @Override
    public void stop(String unit) {
        change("stop", unit);
    }

    @Override
    public void restart(String unit) {
        change("restart", unit);
    }

    @Override
    public void reload(String unit) {
        change("reload", unit);
    }

    @Override
    public void enable(String unit) {
        change("enable", unit);
    }

    @Override
    public void disable(String unit) {
        change("disable", unit);
    }

    @Override
    public void daemonReload() {
        run(null, List.of("daemon-reload"));
    }

    @Override
    public String cat(String unit) {
        Units.require(unit);
        return run(unit, List.of("cat", "--", unit)).stdout();
    }

    private void change(String verb, String unit) {
        Units.require(unit);
        run(unit, List.of(verb, "--", unit));
    }

    private CommandResult run(String unit, List<String> args) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add("--no-pager");
        argv.add("--no-ask-password");
        argv.addAll(args);
        CommandSpec spec = CommandSpec.of(argv).env("SYSTEMD_PAGER", "").env("SYSTEMD_COLORS", "0").timeout(TIMEOUT);
        try {
            return commands.run(spec);
        } catch (ProgramNotFoundException e) {
            throw new SystemdException(Reason.SYSTEMCTL_NOT_FOUND, unit, "cannot run " + String.join(" ", prefix)
                    + ": " + e.getMessage(), e);
        } catch (CommandFailedException e) {
            String stderr = e.stderrTail() == null ? "" : e.stderrTail().strip();
            Reason reason = stderr.contains("not found") || stderr.contains("does not exist")
                    || stderr.contains("No such file or directory") ? Reason.UNIT_NOT_FOUND : Reason.COMMAND_FAILED;
            throw new SystemdException(reason, unit, String.join(" ", argv) + " failed with exit code "
                    + e.exitCode() + (stderr.isEmpty() ? "" : ": " + stderr), e);
        }
    }

    @Override
    public String toString() {
        return "SystemctlManager[" + String.join(" ", prefix) + "]";
    }
}
