package dev.backstep.docker.internal;

import dev.backstep.CommandFailedException;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.docker.DockerException;
import dev.backstep.docker.DockerException.Reason;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs compose and docker commands for one project: argv only, in the project directory, with the
 * project's DOCKER_HOST; failures become {@link DockerException}.
 */
public final class Engine {
    /** up and pull may pull images and wait for containers; others are quick. */
    static final Duration LONG = Duration.ofMinutes(15);
    static final Duration SHORT = Duration.ofMinutes(2);
    private static final String INSPECT_FORMAT = "{{.Id}}|{{.Image}}|{{.Config.Image}}"
            + "|{{index .Config.Labels \"com.docker.compose.config-hash\"}}"
            + "|{{index .Config.Labels \"com.docker.compose.service\"}}"
            + "|{{index .Config.Labels \"com.docker.compose.oneoff\"}}|{{.Created}}|{{.State.Status}}|{{json .State}}";
    /**
     * The health status in the State JSON: the first "Status" key inside "Health" (older CLIs write
     * it first, newer ones sort the keys; the health log's entries have no such key, and quotes in
     * their output are escaped). A container without a healthcheck has "Health" null or absent.
     */
    private static final Pattern HEALTH = Pattern.compile("\"Health\":\\{.*?\"Status\":\"([a-z]+)\"", Pattern.DOTALL);

    private final ProjectSpec spec;
    private final CommandRunner commands;

    public Engine(ProjectSpec spec, CommandRunner commands) {
        this.spec = spec;
        this.commands = commands;
    }

    public ProjectSpec spec() {
        return spec;
    }

    /** Runs a compose subcommand ({@code up -d web}) with the project's files and env file. */
    public CommandResult compose(Duration timeout, String service, List<String> extraFiles, List<String> args) {
        List<String> argv = new ArrayList<>(spec.compose());
        for (Path f : spec.files()) {
            argv.add("-f");
            argv.add(f.toString());
        }
        for (String f : extraFiles) {
            argv.add("-f");
            argv.add(f);
        }
        argv.add("--project-directory");
        argv.add(spec.dir().toString());
        spec.envFile().ifPresent(e -> {
            argv.add("--env-file");
            argv.add(e.toString());
        });
        argv.addAll(args);
        return run(service, argv, timeout);
    }

    public CommandResult compose(Duration timeout, String service, String... args) {
        return compose(timeout, service, List.of(), List.of(args));
    }

    public CommandResult docker(String service, String... args) {
        List<String> argv = new ArrayList<>(spec.docker());
        argv.addAll(List.of(args));
        return run(service, argv, SHORT);
    }

    private CommandResult run(String service, List<String> argv, Duration timeout) {
        CommandSpec cs = CommandSpec.of(argv).in(spec.dir()).timeout(timeout).outputLimit(8 * 1024 * 1024)
                .env("COMPOSE_INTERACTIVE_NO_CLI", "1").env("NO_COLOR", "1");
        if (spec.dockerHost().isPresent()) {
            cs = cs.env("DOCKER_HOST", spec.dockerHost().get());
        }
        try {
            return commands.run(cs);
        } catch (ProgramNotFoundException e) {
            throw new DockerException(Reason.COMPOSE_NOT_FOUND, service, "cannot run " + argv.get(0) + ": "
                    + e.getMessage(), e);
        } catch (CommandFailedException e) {
            String stderr = e.stderrTail() == null ? "" : e.stderrTail().strip();
            Reason reason = stderr.contains("No such service") || stderr.contains("no such service")
                    ? Reason.SERVICE_NOT_FOUND : Reason.COMMAND_FAILED;
            throw new DockerException(reason, service, String.join(" ", argv) + " failed with exit code " + e.exitCode()
                    + (stderr.isEmpty() ? "" : ": " + tail(stderr)), e);
        }
    }

    private static String tail(String s) {
        return s.length() > 1500 ? "…" + s.substring(s.length() - 1500) : s;
    }

    /** The project's services (from its resolved config, by name). */
    public List<String> services() {
        return new ArrayList<>(images().keySet());
    }

    /** Per service: its image reference, or {@code ""} for a service built without one. */
    public Map<String, String> images() {
        return ComposeConfig.images(compose(SHORT, null, "config").stdout());
    }

    /** The ids of the project's (or one service's) containers, stopped ones included. */
    public List<String> containers(String service) {
        List<String> args = new ArrayList<>(List.of("ps"));
        if (spec.v2()) {
            args.add("-a");
        }
        args.add("-q");
        if (service != null) {
            args.add(service);
        }
        List<String> out = new ArrayList<>();
        for (String line : compose(SHORT, service, List.of(), args).stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** The state of one service's container (the newest, when it is scaled). */
    public ServiceState state(String service) {
        return states(List.of(service)).get(service);
    }

    /**
     * The state of each service's container (the newest, when it is scaled), in one compose and one
     * docker call; a service without a container is {@link ServiceState#absent}.
     */
    public Map<String, ServiceState> states(List<String> services) {
        Map<String, ServiceState> out = new LinkedHashMap<>();
        services.forEach(s -> out.put(s, ServiceState.absent(s)));
        List<String> ids = containers(services.size() == 1 ? services.get(0) : null);
        if (ids.isEmpty()) {
            return out;
        }
        List<String> args = new ArrayList<>(List.of("inspect", "--format", INSPECT_FORMAT));
        args.addAll(ids);
        Map<String, String> created = new LinkedHashMap<>();
        for (String line : docker(null, args.toArray(String[]::new)).stdout().split("\n")) {
            String[] f = line.split("\\|", 9);
            if (f.length < 9 || f[5].equalsIgnoreCase("true") || !out.containsKey(f[4])) {
                continue;
            }
            String svc = f[4];
            if (!out.get(svc).exists() || f[6].compareTo(created.get(svc)) > 0) {
                Matcher health = HEALTH.matcher(f[8]);
                out.put(svc, new ServiceState(svc, true, f[0], f[1], f[2], f[3], f[7],
                        health.find() ? health.group(1) : ""));
                created.put(svc, f[6]);
            }
        }
        return out;
    }

    /** The id of the image a reference names on the engine, if it is there. */
    public Optional<String> imageId(String ref) {
        List<String> argv = new ArrayList<>(spec.docker());
        argv.addAll(List.of("image", "inspect", "--format", "{{.Id}}", ref));
        CommandSpec cs = CommandSpec.of(argv).in(spec.dir()).timeout(SHORT).successCodes(0, 1);
        if (spec.dockerHost().isPresent()) {
            cs = cs.env("DOCKER_HOST", spec.dockerHost().get());
        }
        CommandResult r;
        try {
            r = commands.run(cs);
        } catch (ProgramNotFoundException e) {
            throw new DockerException(Reason.COMPOSE_NOT_FOUND, null, "cannot run " + argv.get(0) + ": "
                    + e.getMessage(), e);
        }
        if (r.exitCode() != 0) {
            if (r.stderr().contains("No such image") || r.stderr().contains("No such object")) {
                return Optional.empty();
            }
            throw new DockerException(Reason.COMMAND_FAILED, null, String.join(" ", argv) + " failed: "
                    + tail(r.stderr().strip()));
        }
        String id = r.stdout().strip();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /** Points {@code ref} at the image {@code id}. */
    public void tag(String id, String ref) {
        docker(null, "tag", id, ref);
    }

    /** Removes the tag {@code ref} (not the image while another tag or a container uses it). */
    public void untag(String ref) {
        docker(null, "image", "rm", ref);
    }

    /** Reads the service → image part of {@code compose config} output (YAML as both versions print it). */
    static final class ComposeConfig {
        private ComposeConfig() {
        }

        static Map<String, String> images(String yaml) {
            Map<String, String> out = new LinkedHashMap<>();
            boolean inServices = false;
            String service = null;
            for (String line : yaml.split("\n")) {
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                int indent = line.length() - line.stripLeading().length();
                String text = line.strip();
                if (indent == 0) {
                    inServices = text.equals("services:");
                    service = null;
                    continue;
                }
                if (!inServices) {
                    continue;
                }
                if (indent == 2 && text.endsWith(":")) {
                    service = unquote(text.substring(0, text.length() - 1));
                    out.put(service, "");
                } else if (indent == 4 && service != null && text.startsWith("image:")) {
                    out.put(service, unquote(text.substring("image:".length()).strip()));
                }
            }
            return out;
        }

        /** The top-level {@code version}, or empty. */
        static String version(String yaml) {
            for (String line : yaml.split("\n")) {
                if (line.startsWith("version:")) {
                    return unquote(line.substring("version:".length()).strip());
                }
            }
            return "";
        }

        private static String unquote(String s) {
            if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
                return s.substring(1, s.length() - 1);
            }
            return s;
        }
    }
}
