package dev.backstep.docker;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.docker.DockerException.Reason;
import dev.backstep.docker.internal.Engine;
import dev.backstep.docker.internal.Keys;
import dev.backstep.docker.internal.ProjectSpec;
import dev.backstep.docker.internal.ServiceAction;
import dev.backstep.docker.internal.ServiceState;
import dev.backstep.spi.AbstractStep;
import dev.backstep.spi.UndoOnFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code compose up|pull|stop|restart|exec} on services of a {@link Compose} project, undone to
 * exactly the image and status each service had: before acting, the step records, per service,
 * its container's image id, image reference, config hash and status (and for pull, the image id
 * each reference named), and its compensation puts those back (see {@link Compose}). Built by
 * {@link Compose}; immutable.
 *
 * <pre>{@code
 * Step up = Compose.project(dir).envFile(".env.prod").up("api", "worker");
 * Step migrate = Compose.project(dir).exec("api", "php", "artisan", "migrate", "--force");
 * }</pre>
 *
 * <p>Validation, before any step of the plan runs, refuses a missing project directory, compose
 * file or env file, services the project does not define ({@link DockerException.Reason#SERVICE_NOT_FOUND}),
 * images that are not on the engine ({@link DockerException.Reason#IMAGE_NOT_FOUND}; {@code pull}
 * excepted) and, for exec, a service without a running container. When an earlier step of the same
 * plan pulls or builds the image or starts the service, use {@link #checkAtExecution()}.
 */
public final class ServiceStep extends AbstractStep {
    private final Compose project;
    private final ServiceAction action;
    private final List<String> services;
    private final List<String> execArgv;
    private final boolean checkAtExecution;

    ServiceStep(Compose project, ServiceAction action, List<String> services, List<String> execArgv) {
        this(command(action, services, execArgv), project, action, services, execArgv, false);
    }

    private ServiceStep(String name, Compose project, ServiceAction action, List<String> services,
                        List<String> execArgv, boolean checkAtExecution) {
        super(name, action.type());
        this.project = project;
        this.action = action;
        this.services = services;
        this.execArgv = execArgv;
        this.checkAtExecution = checkAtExecution;
    }

    /** Checks images and running containers when the step runs instead of when the plan is validated. */
    public ServiceStep checkAtExecution() {
        return new ServiceStep(name(), project, action, services, execArgv, true);
    }

    @Override
    public ServiceStep withName(String newName) {
        return new ServiceStep(newName, project, action, services, execArgv, checkAtExecution);
    }

    /** The services named (empty: all of the project, for up and pull). */
    public List<String> services() {
        return services;
    }

    /** The compose verb. */
    public String verb() {
        return action.verb();
    }

    public Compose project() {
        return project;
    }

    @Override
    public Compensation compensation() {
        return action.compensation();
    }

    @Override
    public String describe() {
        String undo = switch (action) {
            case PULL -> "each image reference names its previous image again";
            case EXEC -> "the container is recreated from the image it ran";
            case RESTART -> "restarted again, or recreated on the recorded image";
            default -> "every service back on the image and status it had";
        };
        return command(action, services, execArgv) + " in " + project.directory() + "; undo: " + undo;
    }

    @Override
    public void validate(StepContext ctx) {
        try {
            project.checkFiles();
            Engine engine = new Engine(project.spec(ctx.commands()), ctx.commands());
            Map<String, String> images = engine.images();
            List<String> all = new ArrayList<>(images.keySet());
            for (String s : services) {
                if (!all.contains(s)) {
                    throw new DockerException(Reason.SERVICE_NOT_FOUND, s, "service " + s + " is not defined in "
                            + project.describe() + " (services: " + String.join(", ", all) + ")");
                }
            }
            List<String> named = services.isEmpty() ? all : services;
            for (String s : named) {
                String ref = images.getOrDefault(s, "");
                if (action == ServiceAction.PULL) {
                    if (ref.isEmpty()) {
                        throw new DockerException(Reason.IMAGE_NOT_FOUND, s, "service " + s + " names no image to pull");
                    }
                } else if (!checkAtExecution && !ref.isEmpty() && engine.imageId(ref).isEmpty()) {
                    throw new DockerException(Reason.IMAGE_NOT_FOUND, s, "image " + ref + " of service " + s
                            + " is not on the Docker engine (pull or build it first; when an earlier step of the plan"
                            + " does, use checkAtExecution())");
                }
            }
            if (action == ServiceAction.EXEC && !checkAtExecution && !engine.state(services.get(0)).running()) {
                throw noContainerToExecIn();
            }
        } catch (DockerException e) {
            throw new StepValidationException(ctx.stepName(), e.getMessage(), e);
        }
    }

    @Override
    public String preview(StepContext ctx) {
        Engine engine = new Engine(project.spec(ctx.commands()), ctx.commands());
        List<String> parts = new ArrayList<>();
        engine.states(recordedServices(engine, null)).forEach((s, st) -> parts.add(s + " " + st.brief()));
        return command(action, services, execArgv) + ": " + String.join(", ", parts);
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        ProjectSpec spec = project.spec(ctx.commands());
        Engine engine = new Engine(spec, ctx.commands());
        Map<String, String> images = action == ServiceAction.PULL || action == ServiceAction.UP || services.isEmpty()
                ? engine.images() : Map.of();
        List<String> recorded = recordedServices(engine, images);
        List<String> before = new ArrayList<>();
        Map<String, ServiceState> states = engine.states(recorded);
        for (String s : recorded) {
            ServiceState state = states.get(s);
            ctx.record(Keys.state(s), state.encode());
            before.add(s + " " + state.brief());
            if (action == ServiceAction.PULL) {
                String ref = images.getOrDefault(s, "");
                ctx.record(Keys.tag(s), ref + "\n" + (ref.isEmpty() ? "none" : engine.imageId(ref).orElse("none")));
            }
        }
        if (action == ServiceAction.EXEC && !states.get(services.get(0)).running()) {
            throw noContainerToExecIn();
        }
        ctx.record(Keys.PROJECT, spec.encode());
        ctx.record(Keys.ACTION, action.verb());
        ctx.record(Keys.SERVICES, String.join("\n", recorded));
        UndoOnFailure.run(() -> {
            ctx.throwIfCancelled();
            engine.compose(action == ServiceAction.UP || action == ServiceAction.PULL || action == ServiceAction.EXEC
                    ? java.time.Duration.ofMinutes(15) : java.time.Duration.ofMinutes(2), services.isEmpty() ? null
                    : services.get(0), List.of(), action.args(services, execArgv));
        }, compensation(), ctx);
        ctx.logger().info("{} (before: {})", command(action, services, execArgv), before);
        ctx.summary("before: " + String.join(", ", before));
    }

    /**
     * Per service: whether it has a container, the image id and reference it runs, its config
     * hash and status; for pull also the image id each reference names. Read-only.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        Engine engine = new Engine(project.spec(ctx.commands()), ctx.commands());
        List<Fingerprint> out = new ArrayList<>();
        Map<String, String> images = engine.images();
        List<String> recorded = recordedServices(engine, images);
        Map<String, ServiceState> states = engine.states(recorded);
        for (String s : recorded) {
            ServiceState st = states.get(s);
            out.add(new Fingerprint("compose:" + project.directory() + "#" + s, Map.of(
                    "container", st.exists() ? "present" : "(none)",
                    "image id", st.exists() ? st.imageId() : "(none)",
                    "image", st.exists() ? st.imageRef() : "(none)",
                    "config hash", st.exists() ? st.configHash() : "(none)",
                    "status", st.status())));
            String ref = images.getOrDefault(s, "");
            if (action == ServiceAction.PULL && !ref.isEmpty()) {
                out.add(Fingerprint.of("docker-image:" + ref, "id", engine.imageId(ref).orElse("(none)")));
            }
        }
        return out;
    }

    private DockerException noContainerToExecIn() {
        return new DockerException(Reason.NOT_RUNNING, services.get(0), "service " + services.get(0)
                + " has no running container to exec in");
    }

    /** up touches dependencies too: it records every service of the project. */
    private List<String> recordedServices(Engine engine, Map<String, String> images) {
        if (action == ServiceAction.UP || services.isEmpty()) {
            return new ArrayList<>((images != null ? images : engine.images()).keySet());
        }
        return services;
    }

    /** The compose command line as a step name and in descriptions: {@code compose up api}. */
    private static String command(ServiceAction action, List<String> services, List<String> execArgv) {
        return "compose " + String.join(" ", action.args(services, execArgv)).replace("up -d", "up")
                .replace("exec -T", "exec");
    }
}
