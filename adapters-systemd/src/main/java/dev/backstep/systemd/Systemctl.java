package dev.backstep.systemd;

import dev.backstep.PlanDefinitionException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.JournaledArgv;
import dev.backstep.systemd.SystemdException.Reason;
import dev.backstep.systemd.internal.SystemctlManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach a systemd: the {@code systemctl} argv prefix, immutable. The systemd steps record
 * it in the journal (it holds no secrets: never put one here), so a rollback in another process
 * talks to the same systemd.
 *
 * <pre>{@code
 * Systemctl host = Systemctl.system();                                   // systemctl
 * Systemctl box = Systemctl.system().machine("shop");                    // systemctl --machine=shop
 * Systemctl mine = Systemctl.system().user();                            // systemctl --user
 * Systemctl sudo = Systemctl.system().via("sudo", "-n");                 // sudo -n systemctl
 * Step stop = Systemd.stop("my_form_bot.service").using(sudo);
 * }</pre>
 */
public final class Systemctl {
    private static final Systemctl SYSTEM = new Systemctl(List.of(), "systemctl", null, false);

    private final List<String> wrapper;
    private final String executable;
    private final String machine;
    private final boolean user;

    private Systemctl(List<String> wrapper, String executable, String machine, boolean user) {
        this.wrapper = wrapper;
        this.executable = executable;
        this.machine = machine;
        this.user = user;
    }

    /** The system manager of this machine through {@code systemctl} from the PATH. */
    public static Systemctl system() {
        return SYSTEM;
    }

    /** Talks to the systemd of a local container ({@code --machine=NAME}). */
    public Systemctl machine(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new PlanDefinitionException(null, null, "machine name '" + name
                    + "' is not a valid machine name (letters, digits, '.', '_', '@', '-')");
        }
        return new Systemctl(wrapper, executable, name, user);
    }

    /** Talks to the calling user's service manager ({@code --user}). */
    public Systemctl user() {
        return new Systemctl(wrapper, executable, machine, true);
    }

    /**
     * Runs systemctl through a wrapper program: {@code via("sudo", "-n")},
     * {@code via("nsenter", "-t", pid, "-a")}. Arguments, not a shell string.
     */
    public Systemctl via(String... wrapperArgv) {
        return new Systemctl(JournaledArgv.wrapper(wrapperArgv), executable, machine, user);
    }

    /** Runs this systemctl executable instead of {@code systemctl} from the PATH. */
    public Systemctl executable(String path) {
        return new Systemctl(wrapper, JournaledArgv.word("systemctl executable", path), machine, user);
    }

    /** The argv that runs systemctl, before the verb. */
    public List<String> prefix() {
        return commandLine(executable);
    }

    /**
     * The argv that runs {@code journalctl} for the same systemd: the same wrapper, machine and
     * {@code --user}, {@code journalctl} from the PATH (or next to a systemctl given by path).
     */
    public List<String> journalctlPrefix() {
        int slash = executable.lastIndexOf('/');
        return commandLine(slash >= 0 ? executable.substring(0, slash + 1) + "journalctl" : "journalctl");
    }

    /** {@code program} of this systemd: through the wrapper, for the machine and {@code --user}. */
    private List<String> commandLine(String program) {
        List<String> argv = new ArrayList<>(wrapper);
        argv.add(program);
        if (machine != null) {
            argv.add("--machine=" + machine);
        }
        if (user) {
            argv.add("--user");
        }
        return List.copyOf(argv);
    }

    /** A service manager running this systemctl through {@code commands}. */
    public ServiceManager manager(CommandRunner commands) {
        if (commands == null) {
            throw new PlanDefinitionException(null, null, "the command runner is null");
        }
        return new SystemctlManager(commands, prefix());
    }

    /** The systemctl prefix as one journal value. */
    public String encode() {
        return String.join("\n", prefix());
    }

    /** A manager for a prefix {@link #encode() encoded} in the journal. */
    public static ServiceManager decode(String encoded, CommandRunner commands) {
        if (encoded == null || encoded.isBlank()) {
            throw new SystemdException(Reason.INVALID_ARGUMENT, null, "no systemctl command line was recorded");
        }
        return new SystemctlManager(commands, List.of(encoded.split("\n")));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Systemctl s && s.prefix().equals(prefix());
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix());
    }

    /** The command line, e.g. {@code systemctl --machine=shop}. */
    @Override
    public String toString() {
        return String.join(" ", prefix());
    }
}
