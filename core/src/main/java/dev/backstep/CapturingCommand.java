package dev.backstep;

import dev.backstep.spi.AbstractStep;
import dev.backstep.spi.CommandResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Command} that captures the state it is about to change before it runs, and whose
 * compensation is built from what it captured: for tools that undo to a named state
 * ({@code alembic downgrade <revision>}, {@code docker tag <image id>}, {@code pip install -r <freeze
 * file>}). Built with {@link Command#capture}.
 *
 * <pre>{@code
 * Step migrate = Command.of("alembic", "upgrade", "head").in(app)
 *     .capture("revision", Command.of("alembic", "current"), Pattern.compile("^(\\w+)"))
 *     .compensatedBy("alembic", "downgrade", "{revision}");
 * }</pre>
 *
 * <p>When the step runs, each probe runs first (in the command's directory and environment unless
 * it sets its own) and its output — stripped, or the first match of its pattern — is recorded
 * (journaled and synced) under its key. Then every {@code {key}} in the compensation's arguments is
 * replaced by the recorded value, and the resulting argv is recorded like any command's
 * compensation, before the command starts. Arguments stay separate: a value is never split, joined
 * or seen by a shell, whatever characters it holds. So the undo is in the journal in full, and a
 * process without the plan ({@link Runner#rollback}, {@link Runner#recover}) runs it through the
 * {@code "command"} step type. A crash after a capture but before the compensation is recorded
 * leaves nothing to undo: the command had not started.
 *
 * <p>Placeholders are whole {@code {key}} tokens for declared keys only: an undeclared
 * {@code {name}} is refused when the step is built, and the program name cannot be one. A captured
 * value that contains the value of one of the command's {@link Secret secrets} fails the step
 * before anything runs, so that no secret reaches the journal; secret environment variables are
 * recorded by name only (see {@link Command}). On a retry, the values captured by the first attempt
 * are kept: they describe the state before the step.
 *
 * <p>Immutable; every method returns a new object.
 */
public final class CapturingCommand extends AbstractStep {
    /** Recorded values are stored under this prefix plus the key. */
    public static final String RECORD_PREFIX = "captured.";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]{1,64})\\}");

    private final Command command;
    private final List<Capture> captures;

    /** One probe: what it records under which key. */
    private record Capture(String key, Command probe, Pattern pattern) {
    }

    private CapturingCommand(Command command, List<Capture> captures) {
        super(command.name(), Command.TYPE);
        this.command = command;
        this.captures = List.copyOf(captures);
    }

    static CapturingCommand of(Command command) {
        return new CapturingCommand(command, List.of());
    }

    /** Also captures {@code probe}'s stripped output under {@code key}; see {@link Command#capture}. */
    public CapturingCommand capture(String key, Command probe) {
        return capture(key, probe, null);
    }

    /** Also captures the first match of {@code pattern} in {@code probe}'s output under {@code key}. */
    public CapturingCommand capture(String key, Command probe, Pattern pattern) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new PlanDefinitionException(null, command.name(), "capture key '" + key
                    + "' must be 1..64 letters, digits, '_', '.' or '-'");
        }
        if (probe == null) {
            throw new PlanDefinitionException(null, command.name(), "the probe of '" + key + "' is null");
        }
        if (captures.stream().anyMatch(c -> c.key.equals(key))) {
            throw new PlanDefinitionException(null, command.name(), "'" + key + "' is captured twice");
        }
        Command p = probe;
        if (probe.spec().workingDir().isEmpty() && command.spec().workingDir().isPresent()) {
            p = p.in(command.spec().workingDir().get());
        }
        for (Map.Entry<String, String> e : command.spec().env().entrySet()) {
            if (!probe.spec().env().containsKey(e.getKey()) && !probe.spec().secretEnv().containsKey(e.getKey())) {
                p = p.env(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Secret> e : command.spec().secretEnv().entrySet()) {
            if (!probe.spec().env().containsKey(e.getKey()) && !probe.spec().secretEnv().containsKey(e.getKey())) {
                p = p.env(e.getKey(), e.getValue());
            }
        }
        List<Capture> more = new ArrayList<>(captures);
        more.add(new Capture(key, p.withName("capture " + key), pattern));
        return new CapturingCommand(command, more);
    }

    /**
     * Undoes the command by running {@code compensationArgv} — with every {@code {key}} replaced by
     * the captured value — in the command's directory and environment.
     *
     * @throws PlanDefinitionException for a placeholder of an undeclared key or in the program name
     */
    public CapturingCommand compensatedBy(String... compensationArgv) {
        if (compensationArgv == null) {
            throw new PlanDefinitionException(null, command.name(), "the compensation argv is null");
        }
        return compensatedBy(Arrays.asList(compensationArgv));
    }

    /** Like {@link #compensatedBy(String...)}. */
    public CapturingCommand compensatedBy(List<String> compensationArgv) {
        Command c = command.compensatedBy(compensationArgv);
        checkPlaceholders(compensationArgv);
        return new CapturingCommand(c, captures);
    }

    /**
     * Undoes the command by running {@code other} (its own directory, environment and timeout), with
     * every {@code {key}} in its arguments replaced by the captured value.
     */
    public CapturingCommand compensatedBy(Command other) {
        Command c = command.compensatedBy(other);
        checkPlaceholders(other.argv());
        return new CapturingCommand(c, captures);
    }

    /** The step's name; by default the command line, shortened. */
    @Override
    public CapturingCommand withName(String stepName) {
        return new CapturingCommand(command.withName(stepName), captures);
    }

    /** The captured keys, in capture order. */
    public List<String> keys() {
        return captures.stream().map(Capture::key).toList();
    }

    private void checkPlaceholders(List<String> argv) {
        List<String> keys = keys();
        for (int i = 0; i < argv.size(); i++) {
            Matcher m = PLACEHOLDER.matcher(argv.get(i));
            while (m.find()) {
                if (i == 0) {
                    throw new PlanDefinitionException(null, command.name(), "the compensation's program"
                            + " name cannot be a captured value ('" + argv.get(0) + "')");
                }
                if (!keys.contains(m.group(1))) {
                    throw new PlanDefinitionException(null, command.name(), "the compensation uses {"
                            + m.group(1) + "}, but only " + keys + " are captured; call capture(\"" + m.group(1)
                            + "\", probe) first");
                }
            }
        }
    }

    @Override
    public StepKind kind() {
        return command.kind();
    }

    @Override
    public void validate(StepContext ctx) {
        command.validate(ctx);
        for (Capture c : captures) {
            c.probe.validate(ctx);
        }
    }

    /**
     * Runs the probes and records their values, records the compensation built from them, then runs
     * the command.
     *
     * @throws StepException when a probe's output does not match its pattern, or holds a secret
     */
    @Override
    public void execute(StepContext ctx) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Capture c : captures) {
            String recordKey = RECORD_PREFIX + c.key;
            Optional<String> earlier = ctx.recorded(recordKey);
            if (earlier.isPresent()) {
                values.put(c.key, earlier.get()); // a retry: the first attempt saw the state before the step
                continue;
            }
            CommandResult r = ctx.commands().run(c.probe.spec());
            String value = extract(c, r.stdout());
            List<Secret> secrets = secrets(c);
            for (Secret s : secrets) {
                // the command runner masks secrets in output: a masked value is a secret too, and useless
                if (!s.reveal().isEmpty() && (value.contains(s.reveal()) || value.contains(Secret.MASK))) {
                    throw new StepException(name(), "step '" + name() + "': the value captured as '" + c.key
                            + "' contains a secret; it is not recorded, and the command did not run");
                }
            }
            ctx.record(recordKey, value);
            values.put(c.key, ctx.recorded(recordKey).orElse(value));
        }
        Command concrete = command;
        Optional<Command> undo = command.compensationCommand();
        if (undo.isPresent()) {
            List<String> argv = new ArrayList<>();
            for (String a : undo.get().argv()) {
                Matcher m = PLACEHOLDER.matcher(a);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
                }
                m.appendTail(sb);
                argv.add(sb.toString());
            }
            concrete = command.withCompensationArgv(argv);
        }
        concrete.execute(ctx);
    }

    private String extract(Capture c, String stdout) {
        if (c.pattern == null) {
            return stdout.strip();
        }
        Matcher m = c.pattern.matcher(stdout);
        if (!m.find()) {
            throw new StepException(name(), "step '" + name() + "': the output of " + c.probe.argv()
                    + " does not match " + c.pattern.pattern() + ", so '" + c.key + "' cannot be captured; the"
                    + " command did not run");
        }
        return (m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group()).strip();
    }

    private List<Secret> secrets(Capture c) {
        List<Secret> all = new ArrayList<>(command.spec().secretEnv().values());
        all.addAll(c.probe.spec().secretEnv().values());
        command.compensationCommand().ifPresent(u -> all.addAll(u.spec().secretEnv().values()));
        return all;
    }

    /** The command's compensation: runs the recorded, already substituted argv. */
    @Override
    public Compensation compensation() {
        return command.compensation();
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(command.describe()).append(", capturing first ");
        for (int i = 0; i < captures.size(); i++) {
            Capture c = captures.get(i);
            sb.append(i > 0 ? ", " : "").append(c.key).append(" <- ").append(String.join(" ", c.probe.argv()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "CapturingCommand[" + command + ", captures " + keys() + "]";
    }
}
