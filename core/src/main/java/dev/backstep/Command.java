package dev.backstep;

import dev.backstep.internal.CommandCompensation;
import dev.backstep.internal.ProgramResolver;
import dev.backstep.internal.Redactor;
import dev.backstep.spi.AbstractStep;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A step that runs an external program: an argv list (never a shell string), in a working
 * directory, with extra environment variables, a timeout, and a compensation command that undoes
 * it. Immutable; every method returns a new {@code Command}.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy shop")
 *     .step(Command.of("bin/console", "cache:warmup")
 *         .in(app)
 *         .env("APP_ENV", "production")
 *         .env("DB_PASSWORD", Secret.of(password))
 *         .timeout(Duration.ofMinutes(5))
 *         .compensatedBy("bin/console", "cache:clear"))
 *     .step(Command.of("php", "artisan", "config:cache").in(app).irreversible("cache is rebuilt anyway"))
 *     // a migration is undone by what it did, not by a count: see Migrations.artisan in backstep-db
 *     .verify(Command.of("vendor/bin/phpunit", "--testsuite", "smoke").in(app).asVerification())
 *     .build();
 * }</pre>
 *
 * <h2>Running</h2>
 * The program runs through the step context's {@link dev.backstep.spi.CommandRunner}: arguments
 * reach it literally (spaces, quotes, {@code $}, {@code ;}, {@code *} and newlines included,
 * nothing is interpreted by a shell); the environment is this process's plus the variables given
 * here; standard input is closed; at the {@link #timeout timeout} the process and its children
 * are killed ({@link CommandTimeoutException}); an exit code outside {@link #successCodes} raises
 * {@link CommandFailedException} with the tail of stderr; a program that is not there raises
 * {@link ProgramNotFoundException}.
 *
 * <h2>Secrets</h2>
 * Secrets go in through {@link #env(String, Secret)} only. Their values are masked with
 * {@link Secret#MASK} in captured output, exception messages, {@link #describe()} and
 * {@link #name()}, and {@link #validate} rejects a command whose arguments contain one.
 *
 * <h2>Compensation</h2>
 * Before the program starts, the forward action records the compensation command (argv as a
 * JSON array, absolute working directory, non-secret environment, timeout, success codes) with
 * {@link StepContext#record}, so that {@link #COMPENSATION} can run it from the journal alone,
 * in another process. Secret environment variables are recorded by <em>name</em> only: the
 * compensation this object returns from {@link #compensation()} holds the secrets in memory and
 * supplies them, while {@link #COMPENSATION} (a rollback from the journal without the plan)
 * fails with an error naming the missing secret. The compensation command should be idempotent:
 * after a crash it may run twice.
 *
 * <p>Without {@link #compensatedBy} the step is not reversible
 * ({@link Compensation#none}), like with {@link #irreversible(String)}.
 *
 * <h2>Validation</h2>
 * {@link #validate} (run before any step of the plan executes) checks that the working
 * directories exist and the programs resolve to executable files, for the compensation command
 * too. When an earlier step of the same plan creates the directory or the program (a checkout, a
 * {@code venv}), use {@link #checkAtExecution()}: the check then happens when the step runs.
 *
 * <h2>Rehearsal</h2>
 * A command describes no {@link Step#fingerprint fingerprint}: what an arbitrary program changes
 * cannot be known, so {@link Runner#rehearse} runs it and its compensation but cannot check that
 * the compensation restored anything. Wrap it in a step whose {@code fingerprint} describes what
 * the program touches (a schema version, a cache directory) to have that checked too.
 */
public final class Command extends AbstractStep {
    /** The {@link #type()} of every command step. */
    public static final String TYPE = "command";

    /**
     * Runs the recorded compensation command from the recorded values alone (no secret values:
     * see the class comment).
     */
    public static final Compensation COMPENSATION = CommandCompensation.DURABLE;

    private static final int MAX_DEFAULT_NAME_CHARS = 60;
    private static final Pattern PLAIN_ARG = Pattern.compile("[A-Za-z0-9_./:=@%+,^-]+");

    private final List<String> argv;
    private final Path dir;
    private final Map<String, String> env;
    private final Map<String, Secret> secretEnv;
    private final Duration timeout;
    private final Set<Integer> successCodes;
    private final String name; // as given; null: the command line, shortened
    private final StepKind kind;
    private final boolean checkAtExecution;
    /** The compensation command (its argv only when {@link #undoInherits}). */
    private final Command undo;
    private final boolean undoInherits;
    private final String irreversibleReason;

    private Command(List<String> argv, Path dir, Map<String, String> env, Map<String, Secret> secretEnv,
                    Duration timeout, Set<Integer> successCodes, String name, StepKind kind,
                    boolean checkAtExecution, Command undo, boolean undoInherits, String irreversibleReason) {
        super(name != null ? name : defaultName(argv, secretEnv), TYPE);
        this.argv = argv;
        this.dir = dir;
        this.env = env;
        this.secretEnv = secretEnv;
        this.timeout = timeout;
        this.successCodes = successCodes;
        this.name = name;
        this.kind = kind;
        this.checkAtExecution = checkAtExecution;
        this.undo = undo;
        this.undoInherits = undoInherits;
        this.irreversibleReason = irreversibleReason;
    }

    /**
     * A command running {@code argv[0]} with the other elements as arguments.
     *
     * @throws PlanDefinitionException when argv is empty, an element is null, the program name is
     *     blank or an argument contains a NUL character
     */
    public static Command of(String... argv) {
        if (argv == null) {
            throw new PlanDefinitionException(null, null, "a command needs at least a program name, argv was null");
        }
        return of(Arrays.asList(argv));
    }

    /** Like {@link #of(String...)}. */
    public static Command of(List<String> argv) {
        return new Command(checkArgv(argv), null, Map.of(), Map.of(), Defaults.COMMAND_TIMEOUT, Set.of(0), null,
                StepKind.COMPENSATABLE, false, null, false, null);
    }

    /** Runs in {@code directory} (the compensation declared by argv too). */
    public Command in(Path directory) {
        if (directory == null) {
            throw new PlanDefinitionException(null, name(), "the working directory is null");
        }
        return new Command(argv, directory, env, secretEnv, timeout, successCodes, name, kind, checkAtExecution,
                undo, undoInherits, irreversibleReason);
    }

    /** Sets an environment variable (journaled when the compensation command inherits it). */
    public Command env(String variable, String value) {
        checkEnvName(variable);
        if (value == null || value.indexOf('\0') >= 0) {
            throw new PlanDefinitionException(null, name(), "environment variable "
                    + variable + " has " + (value == null ? "a null value" : "a NUL character in its value"));
        }
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(variable, value);
        Map<String, Secret> s = new LinkedHashMap<>(secretEnv);
        s.remove(variable);
        return new Command(argv, dir, Map.copyOf(e), Map.copyOf(s), timeout, successCodes, name, kind,
                checkAtExecution, undo, undoInherits, irreversibleReason);
    }

    /** Sets a secret environment variable: its value is masked everywhere and never journaled. */
    public Command env(String variable, Secret value) {
        checkEnvName(variable);
        if (value == null) {
            throw new PlanDefinitionException(null, name(), "secret " + variable + " is null");
        }
        Map<String, Secret> s = new LinkedHashMap<>(secretEnv);
        s.put(variable, value);
        Map<String, String> e = new LinkedHashMap<>(env);
        e.remove(variable);
        return new Command(argv, dir, Map.copyOf(e), Map.copyOf(s), timeout, successCodes, name, kind,
                checkAtExecution, undo, undoInherits, irreversibleReason);
    }

    /**
     * Kills the program (and its children) after {@code limit}; default
     * {@link Defaults#COMMAND_TIMEOUT}. Unlike {@link Step#withTimeout}, which limits the whole
     * step attempt, this is the limit of the process itself.
     */
    public Command timeout(Duration limit) {
        if (limit == null || limit.isZero() || limit.isNegative()) {
            throw new PlanDefinitionException(null, name(), "timeout must be positive, was " + limit);
        }
        return new Command(argv, dir, env, secretEnv, limit, successCodes, name, kind, checkAtExecution,
                undo, undoInherits, irreversibleReason);
    }

    /** Exit codes that count as success (replaces the default {@code 0}). */
    public Command successCodes(Integer... codes) {
        if (codes == null || codes.length == 0 || Arrays.asList(codes).contains(null)) {
            throw new PlanDefinitionException(null, name(), "success codes must be non-empty and non-null, were "
                    + (codes == null ? null : Arrays.asList(codes)));
        }
        return new Command(argv, dir, env, secretEnv, timeout, Set.copyOf(Arrays.asList(codes)), name, kind,
                checkAtExecution, undo, undoInherits, irreversibleReason);
    }

    /** The step's name; by default the command line, shortened. */
    @Override
    public Command withName(String stepName) {
        if (stepName == null || stepName.isBlank()) {
            throw new PlanDefinitionException(null, name(), "the step name must not be blank, was "
                    + (stepName == null ? null : "'" + stepName + "'"));
        }
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, stepName, kind, checkAtExecution,
                undo, undoInherits, irreversibleReason);
    }

    /**
     * Undoes this step by running {@code compensationArgv} in the same working directory, with the
     * same environment (secrets included) and timeout.
     */
    public Command compensatedBy(String... compensationArgv) {
        if (compensationArgv == null) {
            throw new PlanDefinitionException(null, name(), "the compensation argv is null");
        }
        return compensatedBy(Arrays.asList(compensationArgv));
    }

    /** Like {@link #compensatedBy(String...)}. */
    public Command compensatedBy(List<String> compensationArgv) {
        Command c = of(compensationArgv);
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, name, kind, checkAtExecution,
                c, true, null);
    }

    /**
     * Undoes this step by running {@code other} with its own directory, environment, timeout and
     * success codes (its name, kind and own compensation are ignored).
     */
    public Command compensatedBy(Command other) {
        if (other == null) {
            throw new PlanDefinitionException(null, name(), "the compensation command is null");
        }
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, name, kind, checkAtExecution,
                other, false, null);
    }

    /**
     * Runs {@code probe} before this command and records its output (stripped) under {@code key}, so
     * that the compensation can be built from it: {@code {key}} in the compensation's arguments is
     * replaced by the recorded value. Declare the command (directory, environment, timeout) first;
     * the probe runs in this command's directory and environment unless it sets its own.
     *
     * <pre>{@code
     * Command.of("alembic", "upgrade", "head").in(app)
     *     .capture("revision", Command.of("alembic", "current"), Pattern.compile("^(\\w+)"))
     *     .compensatedBy("alembic", "downgrade", "{revision}");
     * }</pre>
     *
     * @see CapturingCommand
     */
    public CapturingCommand capture(String key, Command probe) {
        return CapturingCommand.of(this).capture(key, probe);
    }

    /**
     * Like {@link #capture(String, Command)}, recording the first match of {@code pattern} in the
     * probe's output (its first group, when it has one); no match fails the step before this
     * command runs.
     */
    public CapturingCommand capture(String key, Command probe, Pattern pattern) {
        return CapturingCommand.of(this).capture(key, probe, pattern);
    }

    /** This command with its compensation's argv replaced (directory, environment and the rest kept). */
    Command withCompensationArgv(List<String> compensationArgv) {
        if (undo == null) {
            return this;
        }
        Command u = new Command(checkArgv(compensationArgv), undo.dir, undo.env, undo.secretEnv, undo.timeout,
                undo.successCodes, undo.name, undo.kind, undo.checkAtExecution, null, false, null);
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, name, kind, checkAtExecution,
                u, undoInherits, null);
    }

    /** This step cannot be undone, because {@code why} ({@link Compensation#none}). */
    public Command irreversible(String why) {
        if (why == null || why.isBlank()) {
            throw new PlanDefinitionException(null, name(), "irreversible needs a reason, was "
                    + (why == null ? null : "'" + why + "'"));
        }
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, name, kind, checkAtExecution,
                null, false, why);
    }

    /**
     * This command as a verification: a check without side effects (tests, a smoke test, a health
     * probe) whose failure rolls the run back. It has nothing to undo.
     *
     * <pre>{@code
     * plan.verify(Command.of("pytest", "-q", "tests/smoke").in(app).asVerification());
     * }</pre>
     */
    public Command asVerification() {
        return withKind(StepKind.VERIFICATION);
    }

    /** This command as the plan's point of no return. */
    @Override
    public Command asPivot() {
        return withKind(StepKind.PIVOT);
    }

    /**
     * Checks the working directory and the program when the step runs instead of when the plan
     * is validated: for a directory or program an earlier step creates.
     */
    public Command checkAtExecution() {
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, name, kind, true,
                undo, undoInherits, irreversibleReason);
    }

    /** The argv, as given. */
    public List<String> argv() {
        return argv;
    }

    /** What this command runs, as a {@link CommandSpec}. */
    public CommandSpec spec() {
        CommandSpec s = CommandSpec.of(argv).env(env).timeout(timeout).successCodes(successCodes);
        for (Map.Entry<String, Secret> e : secretEnv.entrySet()) {
            s = s.env(e.getKey(), e.getValue());
        }
        return dir == null ? s : s.in(dir);
    }

    /** The compensation command, when one was declared. */
    public Optional<Command> compensationCommand() {
        if (undo == null) {
            return Optional.empty();
        }
        if (!undoInherits) {
            return Optional.of(undo);
        }
        return Optional.of(new Command(undo.argv, dir, env, secretEnv, timeout, Set.of(0), null,
                StepKind.COMPENSATABLE, checkAtExecution, null, false, null));
    }

    private static String defaultName(List<String> argv, Map<String, Secret> secretEnv) {
        String line = display(argv, Redactor.of(secretEnv.values())).replaceAll("\\s+", " ");
        return line.length() <= MAX_DEFAULT_NAME_CHARS ? line
                : line.substring(0, MAX_DEFAULT_NAME_CHARS - 3) + "...";
    }

    @Override
    public StepKind kind() {
        return kind;
    }

    @Override
    public void validate(StepContext ctx) {
        Redactor redactor = redactor();
        checkNoSecretInArgv(redactor);
        Optional<Command> u = compensationCommand();
        if (u.isPresent()) {
            u.get().checkNoSecretInArgv(Redactor.of(u.get().secretEnv.values()));
            for (Map.Entry<String, String> e : CommandCompensation.record(u.get().spec()).entrySet()) {
                if (e.getValue().length() > Defaults.MAX_RECORDED_VALUE_CHARS) {
                    throw new StepValidationException(name(), "the compensation command's " + e.getKey()
                            + " is " + e.getValue().length() + " characters long, more than the "
                            + Defaults.MAX_RECORDED_VALUE_CHARS + " a recorded value may have");
                }
            }
        }
        try {
            if (!checkAtExecution) {
                checkRunnable(redactor);
            }
            if (u.isPresent() && !u.get().checkAtExecution) {
                u.get().checkRunnable(Redactor.of(u.get().secretEnv.values()));
            }
        } catch (ProgramNotFoundException e) {
            throw new StepValidationException(name(), e.getMessage(), e);
        }
    }

    /**
     * Records the compensation command (or why there is none), then runs the program.
     *
     * @throws CommandFailedException when it exits with a code outside the success codes
     * @throws CommandTimeoutException when it runs past its timeout
     * @throws ProgramNotFoundException when it cannot be started
     */
    @Override
    public void execute(StepContext ctx) {
        checkNoSecretInArgv(redactor());
        Optional<Command> u = compensationCommand();
        if (u.isPresent()) {
            u.get().checkNoSecretInArgv(Redactor.of(u.get().secretEnv.values()));
            ctx.recordAll(CommandCompensation.record(u.get().spec())); // one durable write, not one per value
        } else if (kind != StepKind.VERIFICATION) {
            ctx.record(CommandCompensation.NONE, compensation().irreversibleReason().orElse("not reversible"));
        }
        CommandResult r = ctx.commands().run(spec());
        ctx.logger().debug("{} exited with code {} after {} ms", r.argv(), r.exitCode(), r.duration().toMillis());
    }

    /**
     * The compensation: the declared command (supplied with this object's secrets, see the class
     * comment), {@link Compensation#none} when irreversible or undeclared, and nothing to do for a
     * verification without one.
     */
    @Override
    public Compensation compensation() {
        Optional<Command> u = compensationCommand();
        if (u.isPresent()) {
            return new CommandCompensation(u.get().secretEnv);
        }
        if (irreversibleReason != null) {
            return Compensation.none(irreversibleReason);
        }
        if (kind == StepKind.VERIFICATION) {
            return ctx -> { };
        }
        return Compensation.none("no compensation declared for command " + display());
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("run ").append(display());
        sb.append(" in ").append(dir == null ? Path.of("").toAbsolutePath() : redactor().redact(dir.toString()));
        Optional<Command> u = compensationCommand();
        if (u.isPresent()) {
            sb.append(" (undo: ").append(u.get().display()).append(')');
        } else if (irreversibleReason != null) {
            sb.append(" (irreversible: ").append(irreversibleReason).append(')');
        }
        return sb.toString();
    }

    /** The type-to-compensation map for a step registry: {@code "command" -> COMPENSATION}. */
    public static Map<String, Compensation> compensations() {
        return Map.of(TYPE, COMPENSATION);
    }

    @Override
    public String toString() {
        return "Command[" + display() + "]";
    }

    private Command withKind(StepKind k) {
        return new Command(argv, dir, env, secretEnv, timeout, successCodes, name, k, checkAtExecution,
                undo, undoInherits, irreversibleReason);
    }

    private Redactor redactor() {
        return Redactor.of(secretEnv.values());
    }

    private void checkRunnable(Redactor redactor) {
        String shown = redactor.redact(argv.get(0));
        Path workDir = ProgramResolver.workingDir(shown, Optional.ofNullable(dir));
        String path = env.containsKey("PATH") ? env.get("PATH") : System.getenv("PATH");
        ProgramResolver.resolve(argv.get(0), workDir, path, redactor);
    }

    private void checkNoSecretInArgv(Redactor redactor) {
        if (redactor.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Secret> e : secretEnv.entrySet()) {
            String value = e.getValue().reveal();
            if (value.isEmpty()) {
                continue;
            }
            boolean inArgv = argv.stream().anyMatch(a -> a.contains(value));
            boolean inEnv = env.values().stream().anyMatch(v -> v.contains(value));
            if (inArgv || inEnv) {
                throw new StepValidationException(name(), "the value of secret environment variable "
                        + e.getKey() + " appears in the command's " + (inArgv ? "arguments" : "plain environment")
                        + "; pass secrets only as secret environment variables, never in argv");
            }
        }
    }

    /** The argv for people: plain words as they are, others single-quoted; secrets masked. */
    private String display() {
        return display(argv, redactor());
    }

    private static String display(List<String> argv, Redactor r) {
        List<String> parts = new ArrayList<>(argv.size());
        for (String a : argv) {
            String shown = r.redact(a);
            if (PLAIN_ARG.matcher(shown).matches()) {
                parts.add(shown);
            } else {
                parts.add("'" + shown.replace("'", "'\\''").replace("\n", "\\n").replace("\r", "\\r")
                        .replace("\t", "\\t") + "'");
            }
        }
        return String.join(" ", parts);
    }

    private static List<String> checkArgv(Collection<String> argv) {
        if (argv == null || argv.isEmpty()) {
            throw new PlanDefinitionException(null, null, "a command needs at least a program name, argv was " + argv);
        }
        List<String> copy = new ArrayList<>(argv);
        for (int i = 0; i < copy.size(); i++) {
            String a = copy.get(i);
            if (a == null) {
                throw new PlanDefinitionException(null, null, "argument " + i + " of command " + copy + " is null");
            }
            if (a.indexOf('\0') >= 0) {
                throw new PlanDefinitionException(null, null, "argument " + i + " of command " + copy
                        + " contains a NUL character, which no program can receive");
            }
        }
        if (copy.get(0).isBlank()) {
            throw new PlanDefinitionException(null, null, "the program name of command " + copy + " is blank");
        }
        return List.copyOf(copy);
    }

    private void checkEnvName(String variable) {
        if (variable == null || variable.isEmpty() || variable.indexOf('=') >= 0 || variable.indexOf('\0') >= 0) {
            throw new PlanDefinitionException(null, name(), "invalid environment variable name '"
                    + variable + "' (it must be non-empty and contain neither '=' nor NUL)");
        }
    }

    /** The secret environment of this command and of its compensation: the run masks them in every step. */
    @Override
    public Set<Secret> secrets() {
        Set<Secret> all = new java.util.LinkedHashSet<>(secretEnv.values());
        if (undo != null) {
            all.addAll(undo.secrets());
        }
        return Set.copyOf(all);
    }
}
