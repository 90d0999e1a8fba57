package dev.backstep.db.migrate;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a command-line migration tool (alembic, artisan) is started: the argv prefix (a
 * {@code docker compose exec} prefix, the program, its global options), the working directory,
 * plain environment variables and secret ones. Everything but the secret values is recordable,
 * so that a compensation in another process starts the tool exactly as the step did; the secret
 * values come from {@link #SECRETS} (filled when a step runs, or by {@link Migrations#registerSecret})
 * or from this process's own environment variable of the same name.
 */
record MigrationCommand(List<String> prefix, Path dir, Map<String, String> env, Map<String, Secret> secretEnv,
                        Duration timeout) {
    static final String K_PREFIX = "command";
    static final String K_DIR = "dir";
    static final String K_ENV = "env";
    static final String K_SECRET_ENV = "secretEnv";
    static final String K_TIMEOUT = "timeoutSeconds";
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    /** Secret environment values by working directory and name, for compensations in this process. */
    static final Map<String, Secret> SECRETS = new ConcurrentHashMap<>();

    MigrationCommand {
        prefix = List.copyOf(prefix);
        env = Map.copyOf(env);
        secretEnv = Map.copyOf(secretEnv);
    }

    static MigrationCommand of(Path dir, List<String> prefix) {
        PlanDefinitionException.requireNonNull(dir, null, "the application directory");
        return new MigrationCommand(prefix, dir.toAbsolutePath().normalize(), Map.of(), Map.of(), DEFAULT_TIMEOUT);
    }

    static String key(Path dir, String name) {
        return dir.toAbsolutePath().normalize() + "\u0000" + name;
    }

    static void checkArgs(String what, String... args) {
        if (args == null) {
            throw new PlanDefinitionException(null, null, what + " is null");
        }
        for (String a : args) {
            if (a == null || a.isEmpty() || a.contains("\n") || a.contains("\u0000")) {
                throw new PlanDefinitionException(null, null, what + ": invalid argument '" + a + "' (empty, or with a line break)");
            }
        }
    }

    static void checkEnvName(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new PlanDefinitionException(null, null, "'" + name + "' is not an environment variable name");
        }
    }

    MigrationCommand withPrefix(List<String> p) {
        return new MigrationCommand(p, dir, env, secretEnv, timeout);
    }

    MigrationCommand withEnv(String name, String value) {
        checkEnvName(name);
        PlanDefinitionException.requireNonNull(value, null, "the value");
        if (value.contains("\n") || secretEnv.containsKey(name)) {
            throw new PlanDefinitionException(null, null, "environment variable " + name + " has a line break or is already a secret");
        }
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(name, value);
        return new MigrationCommand(prefix, dir, e, secretEnv, timeout);
    }

    MigrationCommand withSecretEnv(String name, Secret value) {
        checkEnvName(name);
        PlanDefinitionException.requireNonNull(value, null, "the value");
        if (env.containsKey(name)) {
            throw new PlanDefinitionException(null, null, "environment variable " + name + " is already set as a plain value");
        }
        Map<String, Secret> e = new LinkedHashMap<>(secretEnv);
        e.put(name, value);
        return new MigrationCommand(prefix, dir, env, e, timeout);
    }

    MigrationCommand withTimeout(Duration t) {
        PlanDefinitionException.requireNonNull(t, null, "the timeout");
        if (t.isNegative() || t.isZero()) {
            throw new PlanDefinitionException(null, null, "timeout must be positive, was " + t);
        }
        return new MigrationCommand(prefix, dir, env, secretEnv, t);
    }

    CommandSpec spec(List<String> args) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(args);
        CommandSpec spec = CommandSpec.of(argv).in(dir).env(env).timeout(timeout);
        for (Map.Entry<String, Secret> e : secretEnv.entrySet()) {
            spec = spec.env(e.getKey(), e.getValue());
        }
        return spec;
    }

    CommandResult run(CommandRunner commands, String... args) {
        return commands.run(spec(List.of(args)));
    }

    /** Makes the secret values reachable for compensations in this process. */
    void rememberSecrets() {
        secretEnv.forEach((name, value) -> SECRETS.put(key(dir, name), value));
    }

    /** Records everything but the secret values (their names only). */
    void record(StepContext ctx) {
        ctx.record(K_PREFIX, String.join("\n", prefix));
        ctx.record(K_DIR, dir.toString());
        List<String> lines = new ArrayList<>();
        env.forEach((k, v) -> lines.add(k + "=" + v));
        if (!lines.isEmpty()) {
            ctx.record(K_ENV, String.join("\n", lines));
        }
        if (!secretEnv.isEmpty()) {
            ctx.record(K_SECRET_ENV, String.join(",", secretEnv.keySet()));
        }
        ctx.record(K_TIMEOUT, String.valueOf(timeout.toSeconds()));
    }

    /**
     * The command a step recorded, or empty when it crashed before recording it.
     *
     * @throws BackstepException when a secret variable it used is known neither to this process's
     *     registry nor to its environment (named, never its value)
     */
    static Optional<MigrationCommand> recorded(StepContext ctx) {
        Optional<String> p = ctx.recorded(K_PREFIX);
        Optional<String> d = ctx.recorded(K_DIR);
        if (p.isEmpty() || d.isEmpty()) {
            return Optional.empty();
        }
        Path dir = Path.of(d.get());
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : ctx.recorded(K_ENV).orElse("").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        Map<String, Secret> secrets = new LinkedHashMap<>();
        for (String name : ctx.recorded(K_SECRET_ENV).orElse("").split(",")) {
            if (name.isEmpty()) {
                continue;
            }
            Secret s = SECRETS.get(key(dir, name));
            if (s == null && System.getenv(name) != null) {
                s = Secret.of(System.getenv(name));
            }
            if (s == null) {
                throw new BackstepException("step '" + ctx.stepName() + "' ran with the secret environment variable "
                        + name + ", which this process does not know: call Migrations.registerSecret(" + dir
                        + ", \"" + name + "\", secret) or export " + name + " before rolling back or recovering");
            }
            secrets.put(name, s);
        }
        Duration timeout = DEFAULT_TIMEOUT;
        try {
            timeout = Duration.ofSeconds(Long.parseLong(ctx.recorded(K_TIMEOUT).orElse("3600")));
        } catch (NumberFormatException ignored) {
            // a hand-edited journal: the default is a safe bound
        }
        return Optional.of(new MigrationCommand(List.of(p.get().split("\n")), dir, env, secrets, timeout));
    }

    /** The last lines of a command's output, for messages (the command runner already masked secrets). */
    static String tail(CommandResult r) {
        String s = (r.stdout() + "\n" + r.stderr()).strip();
        return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
    }
}
