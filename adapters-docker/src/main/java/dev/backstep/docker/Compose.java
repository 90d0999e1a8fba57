package dev.backstep.docker;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.check.Check;
import dev.backstep.check.LogCheck;
import dev.backstep.docker.DockerException.Reason;
import dev.backstep.docker.internal.ComposeLog;
import dev.backstep.docker.internal.Detect;
import dev.backstep.docker.internal.ProjectSpec;
import dev.backstep.docker.internal.ServiceAction;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.JournaledArgv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Docker Compose project, and the steps and checks on its services: {@code up}, {@code pull},
 * {@code stop}, {@code restart} and {@code exec}, each undone to exactly the image every service
 * ran before, a health verification and a log check. Immutable; every method returns a new value.
 *
 * <pre>{@code
 * Compose shop = Compose.project(Path.of("/srv/shop")).file("docker-compose.yml").envFile(".env.prod");
 * Plan plan = Plan.named("deploy shop 1.3.0")
 *     .step(ConfigFile.edit(Path.of("/srv/shop/.env.prod")).set("APP_VERSION", "1.3.0"))
 *     .step(shop.pull("api"))                          // undo: the tag names the old image again
 *     .step(shop.up("api"))                            // undo: api recreated on the image it ran
 *     .step(shop.exec("api", "php", "artisan", "migrate", "--force").compensatedBy("php", "artisan", "migrate:rollback"))
 *     .verify(shop.healthy("api").within(Duration.ofSeconds(60)))
 *     .verify(shop.logs("api").since(Since.RUN_START).noneMatch("ERROR|FATAL"))
 *     .build();
 * }</pre>
 *
 * <p>Every step records, before acting, each service's container: the image id it runs, the image
 * reference it was created from, Compose's config hash and its status. Its undo reads only those
 * values (so a rollback works from the journal, in another process) and puts back exactly that:
 * the reference is tagged onto the recorded image id again, and a service whose container runs
 * another image or configuration is recreated ({@code up -d --no-deps --force-recreate}, with an
 * override file naming the recorded image when the compose files now name another), then stopped
 * again if it was stopped; a service that had no container loses the one the step created. The
 * configuration other than the image (environment, ports) is read from the compose files as they
 * are when the undo runs: restore those files first.
 *
 * <p>Commands are argv lists run through the run's {@link CommandRunner}: {@code docker compose}
 * (v2) or {@code docker-compose} (v1), detected unless {@link #cli} says which, with
 * {@code -f}, {@code --project-directory} and {@code --env-file}; {@link #dockerHost} sets
 * {@code DOCKER_HOST}. Step types: {@link #UP}, {@link #PULL}, {@link #STOP}, {@link #RESTART},
 * {@link #EXEC}, {@link #HEALTHY}; see {@link #compensations()}.
 */
public final class Compose {
    /** Type id of {@link #up} steps. */
    public static final String UP = ServiceAction.UP.type();
    /** Type id of {@link #pull} steps. */
    public static final String PULL = ServiceAction.PULL.type();
    /** Type id of {@link #stop} steps. */
    public static final String STOP = ServiceAction.STOP.type();
    /** Type id of {@link #restart} steps. */
    public static final String RESTART = ServiceAction.RESTART.type();
    /** Type id of {@link #exec} steps. */
    public static final String EXEC = ServiceAction.EXEC.type();
    /** Type id of {@link #healthy} verifications. */
    public static final String HEALTHY = "docker.compose.healthy";

    private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final List<String> DEFAULT_FILES = List.of("compose.yaml", "compose.yml", "docker-compose.yaml",
            "docker-compose.yml");
    private static final Map<String, Compensation> COMPENSATIONS;

    static {
        Map<String, Compensation> m = new LinkedHashMap<>();
        for (ServiceAction a : ServiceAction.values()) {
            m.put(a.type(), a.compensation());
        }
        m.put(HEALTHY, Check.COMPENSATION);
        COMPENSATIONS = Map.copyOf(m);
    }

    private final Path dir;
    private final List<Path> files;
    private final Path envFile;
    private final String dockerHost;
    private final ComposeCli cli;

    private Compose(Path dir, List<Path> files, Path envFile, String dockerHost, ComposeCli cli) {
        this.dir = dir;
        this.files = files;
        this.envFile = envFile;
        this.dockerHost = dockerHost;
        this.cli = cli;
    }

    /**
     * The project in {@code directory} (absolute, or resolved against the working directory now).
     *
     * @throws PlanDefinitionException for a null directory
     */
    public static Compose project(Path directory) {
        if (directory == null) {
            throw new PlanDefinitionException(null, null, "the compose project directory is null");
        }
        Path d = directory.toAbsolutePath().normalize();
        JournaledArgv.word("project directory", d.toString());
        return new Compose(d, List.of(), null, null, ComposeCli.detect());
    }

    /** Adds a compose file, relative to the project directory (default: Compose's own file names). */
    public Compose file(String path) {
        Path p = resolve("compose file", path);
        List<Path> all = new ArrayList<>(files);
        all.add(p);
        return new Compose(dir, List.copyOf(all), envFile, dockerHost, cli);
    }

    /** The env file Compose interpolates the files with ({@code --env-file}), relative to the project directory. */
    public Compose envFile(String path) {
        return new Compose(dir, files, resolve("env file", path), dockerHost, cli);
    }

    /** Talks to this engine ({@code DOCKER_HOST}, e.g. {@code unix:///run/docker.sock}); journaled, no secrets. */
    public Compose dockerHost(String host) {
        JournaledArgv.word("DOCKER_HOST", host);
        return new Compose(dir, files, envFile, host, cli);
    }

    /** Runs this Compose (default {@link ComposeCli#detect()}). */
    public Compose cli(ComposeCli composeCli) {
        if (composeCli == null) {
            throw new PlanDefinitionException(null, null, "the compose CLI of " + describe() + " is null");
        }
        return new Compose(dir, files, envFile, dockerHost, composeCli);
    }

    public Path directory() {
        return dir;
    }

    /** {@code up -d} of the services (all when none is named); undo: every service back on its recorded image. */
    public ServiceStep up(String... services) {
        return new ServiceStep(this, ServiceAction.UP, list(services, true), List.of());
    }

    /** {@code pull} of the services (all when none is named); undo: each image reference names its old image again. */
    public ServiceStep pull(String... services) {
        return new ServiceStep(this, ServiceAction.PULL, list(services, true), List.of());
    }

    /** {@code stop} of the services; undo: those that ran run again, on their recorded image. */
    public ServiceStep stop(String... services) {
        return new ServiceStep(this, ServiceAction.STOP, list(services, false), List.of());
    }

    /** {@code restart} of the services; undo: restarted again (or recreated on the recorded image if it changed). */
    public ServiceStep restart(String... services) {
        return new ServiceStep(this, ServiceAction.RESTART, list(services, false), List.of());
    }

    /**
     * {@code exec -T service argv...} in the running container; undo: the container is recreated
     * from its recorded image, which drops what the command changed in the container's own file
     * system (not in volumes: give such a command its own {@code compensatedBy}).
     */
    public ServiceStep exec(String service, String... argv) {
        List<String> svc = list(new String[] {service}, false);
        if (argv == null || argv.length == 0 || Arrays.asList(argv).contains(null)) {
            throw new PlanDefinitionException(null, null, "exec in service " + service
                    + " needs a command, without null arguments, was " + (argv == null ? null : Arrays.asList(argv)));
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new PlanDefinitionException(null, null, "an exec argument in service " + service
                        + " holds a NUL character (argument #" + (Arrays.asList(argv).indexOf(a) + 1) + ")");
            }
        }
        return new ServiceStep(this, ServiceAction.EXEC, svc, List.of(argv));
    }

    /** A verification that the service's container runs and, if it has a healthcheck, is healthy. */
    public ServiceHealthCheck healthy(String service) {
        return ServiceHealthCheck.of(this, list(new String[] {service}, false).get(0));
    }

    /**
     * No line the service's containers wrote (stdout and stderr) since the run or the check
     * started may match; see {@link LogCheck}.
     *
     * <pre>{@code
     * plan.verify(shop.logs("api").since(Since.RUN_START).noneMatch("ERROR|FATAL"));
     * }</pre>
     */
    public LogCheck logs(String service) {
        String s = list(new String[] {service}, false).get(0);
        return Check.log(new ComposeLog(this::spec, s, describe() + " service " + s));
    }

    /** The compensation of every Compose step type, by type id, for rolling back from a journal. */
    public static Map<String, Compensation> compensations() {
        return COMPENSATIONS;
    }

    /** The project with its files and command line resolved, as the journal records it. */
    ProjectSpec spec(CommandRunner commands) {
        List<Path> resolved = files;
        if (resolved.isEmpty()) {
            Optional<Path> found = DEFAULT_FILES.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
            if (found.isEmpty()) {
                throw new DockerException(Reason.PROJECT_INVALID, null, "no compose file in " + dir + " (looked for "
                        + String.join(", ", DEFAULT_FILES) + ")");
            }
            resolved = List.of(found.get());
        }
        boolean v2 = switch (cli.kind()) {
            case V1 -> false;
            case V2 -> true;
            case DETECT -> Detect.hasPlugin(commands, cli.dockerPrefix());
        };
        return new ProjectSpec(dir, resolved, Optional.ofNullable(envFile), Optional.ofNullable(dockerHost),
                cli.composePrefix(v2), cli.dockerPrefix(), v2);
    }

    /** Checks that the directory, files and env file exist. */
    void checkFiles() {
        if (!Files.isDirectory(dir)) {
            throw new DockerException(Reason.PROJECT_INVALID, null, "compose project directory " + dir + " does not exist");
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DockerException(Reason.PROJECT_INVALID, null, "compose file " + f + " does not exist");
            }
        }
        if (envFile != null && !Files.isRegularFile(envFile)) {
            throw new DockerException(Reason.PROJECT_INVALID, null, "env file " + envFile + " does not exist");
        }
    }

    /** {@code compose project /srv/shop}. */
    String describe() {
        return "compose project " + dir;
    }

    private Path resolve(String what, String path) {
        if (path == null || path.isBlank()) {
            throw new PlanDefinitionException(null, null, "the " + what + " of " + describe() + " is blank, was "
                    + (path == null ? null : "'" + path + "'"));
        }
        JournaledArgv.word(what, path);
        return dir.resolve(path).normalize();
    }

    private static List<String> list(String[] services, boolean emptyMeansAll) {
        if (services == null || services.length == 0) {
            if (emptyMeansAll) {
                return List.of();
            }
            throw new PlanDefinitionException(null, null, "name at least one service, was " + (services == null ? null : "[]"));
        }
        List<String> out = new ArrayList<>();
        for (String s : services) {
            if (s == null || !SERVICE.matcher(s).matches()) {
                throw new PlanDefinitionException(null, null, "'" + s + "' is not a valid service name"
                        + " (letters, digits, '_', '.', '-', not starting with '_', '.' or '-')");
            }
            if (out.contains(s)) {
                throw new PlanDefinitionException(null, null, "service " + s + " is named twice in " + Arrays.asList(services));
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Compose c && c.dir.equals(dir) && c.files.equals(files) && Objects.equals(c.envFile, envFile)
                && Objects.equals(c.dockerHost, dockerHost) && c.cli.equals(cli);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dir, files, envFile, dockerHost, cli);
    }

    @Override
    public String toString() {
        return "Compose[" + dir + "]";
    }
}
