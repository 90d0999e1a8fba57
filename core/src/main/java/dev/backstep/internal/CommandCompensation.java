package dev.backstep.internal;

import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.Defaults;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepException;
import dev.backstep.spi.CommandSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The compensation of {@link dev.backstep.Command} steps: runs the compensation command the
 * forward action recorded (argv, working directory, environment, timeout, success codes), from
 * the recorded values alone.
 *
 * <p>Secret environment variables are never journaled, only their names. {@link #DURABLE} (what
 * a rollback from the journal uses) therefore fails with a clear error when the recorded command
 * needs one; the compensation a {@code Command} object returns in memory carries its secrets and
 * supplies them.
 *
 * <pre>{@code
 * Compensation c = CommandCompensation.DURABLE; // same as Command.COMPENSATION
 * }</pre>
 */
public final class CommandCompensation implements Compensation {
    /** JSON array: the compensation's argv. */
    public static final String ARGV = "undo.argv";
    /** Absolute working directory of the compensation. */
    public static final String DIR = "undo.dir";
    /** JSON object: its non-secret environment variables. */
    public static final String ENV = "undo.env";
    /** JSON array: names of the secret environment variables it needs (never their values). */
    public static final String SECRET_ENV = "undo.secretEnv";
    /** ISO-8601 duration: its timeout. */
    public static final String TIMEOUT = "undo.timeout";
    /** Comma-separated exit codes that count as success. */
    public static final String SUCCESS_CODES = "undo.successCodes";
    /** Present when the step declared no compensation: why it cannot be undone. */
    public static final String NONE = "undo.none";

    /** Works from the journal alone; fails when the recorded command needs a secret. */
    public static final CommandCompensation DURABLE = new CommandCompensation(Map.of());

    private final Map<String, Secret> secrets;

    /** A compensation that can supply {@code secrets} (by environment variable name). */
    public CommandCompensation(Map<String, Secret> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    /** The recorded values that let {@link #DURABLE} run {@code spec} later. */
    public static Map<String, String> record(CommandSpec spec) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put(ARGV, JsonText.stringArray(spec.argv()));
        r.put(DIR, spec.workingDir().orElseGet(() -> Path.of("")).toAbsolutePath().normalize().toString());
        r.put(ENV, JsonText.stringObject(new TreeMap<>(spec.env())));
        r.put(SECRET_ENV, JsonText.stringArray(new ArrayList<>(new TreeSet<>(spec.secretEnv().keySet()))));
        r.put(TIMEOUT, spec.timeout().toString());
        List<String> codes = new ArrayList<>();
        new TreeSet<>(spec.successCodes()).forEach(c -> codes.add(String.valueOf(c)));
        r.put(SUCCESS_CODES, String.join(",", codes));
        return r;
    }

    @Override
    public void compensate(StepContext ctx) {
        Optional<String> none = ctx.recorded(NONE);
        if (none.isPresent()) {
            ctx.logger().info("step '{}' cannot be undone: {}", ctx.stepName(), none.get());
            return;
        }
        Optional<String> argvJson = ctx.recorded(ARGV);
        if (argvJson.isEmpty()) {
            // the forward action never got as far as starting its command: nothing to undo
            ctx.logger().info("step '{}' recorded no compensation command; nothing to undo", ctx.stepName());
            return;
        }
        if (ctx.recorded(SUCCESS_CODES).isEmpty()) {
            // the process died while recording the command (SUCCESS_CODES is recorded last), so the
            // forward command never started; running a half-recorded one (without its directory) is wrong
            ctx.logger().info("step '{}' recorded its compensation command only in part; the command never ran,"
                    + " nothing to undo", ctx.stepName());
            return;
        }
        List<String> argv = parse(ctx, ARGV, argvJson.get(), JsonText::parseStringArray);
        CommandSpec spec = CommandSpec.of(argv);
        Optional<String> dir = ctx.recorded(DIR);
        if (dir.isPresent()) {
            spec = spec.in(Path.of(dir.get()));
        }
        Optional<String> env = ctx.recorded(ENV);
        if (env.isPresent()) {
            spec = spec.env(parse(ctx, ENV, env.get(), JsonText::parseStringObject));
        }
        List<String> secretNames = ctx.recorded(SECRET_ENV)
                .map(v -> parse(ctx, SECRET_ENV, v, JsonText::parseStringArray)).orElse(List.of());
        Set<String> missing = new LinkedHashSet<>();
        for (String name : secretNames) {
            Secret s = secrets.get(name);
            if (s == null) {
                missing.add(name);
            } else {
                spec = spec.env(name, s);
            }
        }
        if (!missing.isEmpty()) {
            throw new StepException(ctx.stepName(), "cannot run the compensation command " + argv + " of step '"
                    + ctx.stepName() + "': it needs the secret environment variable(s) " + missing
                    + ", and secrets are never written to the journal; roll back with the plan's Command"
                    + " objects in memory, which hold the secret");
        }
        Optional<String> timeout = ctx.recorded(TIMEOUT);
        if (timeout.isPresent()) {
            spec = spec.timeout(parse(ctx, TIMEOUT, timeout.get(), Duration::parse));
        } else {
            spec = spec.timeout(Defaults.COMMAND_TIMEOUT);
        }
        Optional<String> codes = ctx.recorded(SUCCESS_CODES);
        if (codes.isPresent()) {
            spec = spec.successCodes(parse(ctx, SUCCESS_CODES, codes.get(), CommandCompensation::parseCodes));
        }
        ctx.logger().debug("step '{}': running compensation command {}", ctx.stepName(), argv);
        ctx.commands().run(spec);
    }

    private static List<Integer> parseCodes(String s) {
        List<Integer> out = new ArrayList<>();
        for (String part : s.split(",")) {
            out.add(Integer.parseInt(part.strip()));
        }
        return out;
    }

    private static <T> T parse(StepContext ctx, String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException | DateTimeParseException | JsonText.JsonException e) {
            throw new BackstepException("step '" + ctx.stepName() + "': recorded value '" + key
                    + "' is corrupt (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return secrets.isEmpty() ? "CommandCompensation[durable]"
                : "CommandCompensation[with secrets " + new TreeSet<>(secrets.keySet()) + "]";
    }
}
