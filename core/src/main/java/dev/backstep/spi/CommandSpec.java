package dev.backstep.spi;

import dev.backstep.Defaults;
import dev.backstep.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One invocation of an external program: an argv list (never a shell string), a working
 * directory, extra environment (plain and secret), a timeout, an output limit and the exit codes
 * that count as success. Immutable; derive variants with the {@code with…} methods.
 *
 * <pre>{@code
 * CommandSpec spec = CommandSpec.of("git", "rev-parse", "HEAD").in(repo).timeout(Duration.ofSeconds(30));
 * String head = commands.run(spec).stdout().strip();
 * }</pre>
 *
 * @param argv program and arguments, passed to the program literally
 * @param workingDir directory to run in, empty for the current one
 * @param env extra environment variables
 * @param secretEnv extra environment variables whose values are secrets (redacted everywhere)
 * @param timeout the process (and its children) is killed after this
 * @param outputLimit bytes kept of stdout and of stderr (the tail is kept)
 * @param successCodes exit codes that are not failures
 */
public record CommandSpec(List<String> argv, Optional<Path> workingDir, Map<String, String> env,
                          Map<String, Secret> secretEnv, Duration timeout, int outputLimit,
                          Set<Integer> successCodes) {

    public CommandSpec {
        argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program name");
        }
        for (String a : argv) {
            Objects.requireNonNull(a, "argv element");
        }
        if (argv.get(0).isBlank()) {
            throw new IllegalArgumentException("the program name is blank");
        }
        Objects.requireNonNull(workingDir, "workingDir");
        env = Map.copyOf(env);
        secretEnv = Map.copyOf(secretEnv);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (outputLimit < 1) {
            throw new IllegalArgumentException("outputLimit must be positive");
        }
        successCodes = Set.copyOf(successCodes);
    }

    public static CommandSpec of(String... argv) {
        return of(List.of(argv));
    }

    public static CommandSpec of(List<String> argv) {
        return new CommandSpec(argv, Optional.empty(), Map.of(), Map.of(), Defaults.COMMAND_TIMEOUT,
                Defaults.COMMAND_OUTPUT_LIMIT, Set.of(0));
    }

    public String program() {
        return argv.get(0);
    }

    public CommandSpec in(Path dir) {
        return new CommandSpec(argv, Optional.of(dir), env, secretEnv, timeout, outputLimit, successCodes);
    }

    public CommandSpec env(String name, String value) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new CommandSpec(argv, workingDir, e, secretEnv, timeout, outputLimit, successCodes);
    }

    public CommandSpec env(Map<String, String> more) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.putAll(more);
        return new CommandSpec(argv, workingDir, e, secretEnv, timeout, outputLimit, successCodes);
    }

    public CommandSpec env(String name, Secret value) {
        Map<String, Secret> e = new LinkedHashMap<>(secretEnv);
        e.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new CommandSpec(argv, workingDir, env, e, timeout, outputLimit, successCodes);
    }

    public CommandSpec timeout(Duration t) {
        return new CommandSpec(argv, workingDir, env, secretEnv, t, outputLimit, successCodes);
    }

    public CommandSpec outputLimit(int bytes) {
        return new CommandSpec(argv, workingDir, env, secretEnv, timeout, bytes, successCodes);
    }

    /** Exit codes that count as success (replaces the default {@code 0}). */
    public CommandSpec successCodes(Collection<Integer> codes) {
        return new CommandSpec(argv, workingDir, env, secretEnv, timeout, outputLimit, Set.copyOf(codes));
    }

    public CommandSpec successCodes(Integer... codes) {
        return successCodes(List.of(codes));
    }

    /** Appends arguments. */
    public CommandSpec args(String... more) {
        List<String> a = new ArrayList<>(argv);
        a.addAll(List.of(more));
        return new CommandSpec(a, workingDir, env, secretEnv, timeout, outputLimit, successCodes);
    }
}
