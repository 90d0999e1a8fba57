package dev.backstep.docker.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.docker.DockerException;
import dev.backstep.docker.DockerException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compose verbs a step can run, each with its stateless compensation that puts every recorded
 * service back on exactly the image (and status) it had.
 */
public enum ServiceAction {
    UP("up", "docker.compose.up"),
    PULL("pull", "docker.compose.pull"),
    STOP("stop", "docker.compose.stop"),
    RESTART("restart", "docker.compose.restart"),
    EXEC("exec", "docker.compose.exec");

    private final String verb;
    private final String type;
    private final Compensation compensation;

    ServiceAction(String verb, String type) {
        this.verb = verb;
        this.type = type;
        this.compensation = new Restore(this);
    }

    public String verb() {
        return verb;
    }

    public String type() {
        return type;
    }

    public Compensation compensation() {
        return compensation;
    }

    /** The compose arguments of the forward action. */
    public List<String> args(List<String> services, List<String> execArgv) {
        List<String> a = new ArrayList<>();
        switch (this) {
            case UP -> a.addAll(List.of("up", "-d"));
            case EXEC -> a.addAll(List.of("exec", "-T"));
            default -> a.add(verb);
        }
        a.addAll(services);
        a.addAll(execArgv);
        return a;
    }

    /** Reads only recorded values; idempotent; services whose state was never recorded were not touched. */
    private static final class Restore implements Compensation {
        private final ServiceAction action;

        Restore(ServiceAction action) {
            this.action = action;
        }

        @Override
        public void compensate(StepContext ctx) throws IOException {
            Optional<String> project = ctx.recorded(Keys.PROJECT);
            Optional<String> services = ctx.recorded(Keys.SERVICES);
            if (project.isEmpty() || services.isEmpty()) {
                return; // recorded before any change: nothing changed yet
            }
            Engine engine = new Engine(ProjectSpec.decode(project.get()), ctx.commands());
            List<String> list = new ArrayList<>(List.of(services.get().split("\n")));
            if (action == PULL) {
                for (String svc : list) {
                    Optional<String> tag = ctx.recorded(Keys.tag(svc));
                    if (tag.isPresent()) {
                        restoreTag(ctx, engine, tag.get());
                    }
                }
            }
            Collections.reverse(list);
            Map<String, ServiceState> states = engine.states(list);
            String config = null;
            for (String svc : list) {
                Optional<String> recorded = ctx.recorded(Keys.state(svc));
                if (recorded.isEmpty()) {
                    continue;
                }
                ServiceState was = ServiceState.decode(svc, recorded.get());
                ServiceState now = states.get(svc);
                if (!was.exists()) {
                    if (now.exists()) {
                        engine.compose(Engine.SHORT, svc, "rm", "-s", "-f", svc);
                        ctx.logger().info("{}: removed the container the step created", svc);
                    }
                    continue;
                }
                boolean recreate = action == EXEC || !now.exists() || !now.imageId().equals(was.imageId())
                        || !now.configHash().equals(was.configHash());
                if (recreate) {
                    if (config == null) {
                        config = engine.compose(Engine.SHORT, null, "config").stdout();
                    }
                    recreate(ctx, engine, was, config);
                    if (!was.running()) {
                        engine.compose(Engine.SHORT, svc, "stop", svc);
                    }
                    ctx.logger().info("{}: recreated on {}", svc, was.brief());
                } else if (was.running() && !now.running()) {
                    engine.compose(Engine.SHORT, svc, "start", svc);
                    ctx.logger().info("{}: started again", svc);
                } else if (!was.running() && now.running()) {
                    engine.compose(Engine.SHORT, svc, "stop", svc);
                    ctx.logger().info("{}: stopped again", svc);
                } else if (action == RESTART && was.running()) {
                    engine.compose(Engine.SHORT, svc, "restart", svc);
                    ctx.logger().info("{}: restarted again", svc);
                }
            }
        }

        private static void restoreTag(StepContext ctx, Engine engine, String recorded) {
            String[] t = recorded.split("\n", 2);
            if (t.length < 2 || t[0].isEmpty()) {
                return;
            }
            String ref = t[0];
            String was = t[1];
            Optional<String> now = engine.imageId(ref);
            if (was.equals("none")) {
                if (now.isPresent()) {
                    engine.untag(ref);
                    ctx.logger().info("{}: removed the tag the pull created", ref);
                }
            } else if (!now.equals(Optional.of(was))) {
                requireImage(engine, was, null);
                engine.tag(was, ref);
                ctx.logger().info("{}: names {} again", ref, was);
            }
        }

        private static void requireImage(Engine engine, String id, String service) {
            if (engine.imageId(id).isEmpty()) {
                throw new DockerException(Reason.IMAGE_NOT_FOUND, service, "cannot restore " + (service == null ? ""
                        : "service " + service + " on ") + "image " + id + ": it is no longer on the engine");
            }
        }

        private static void recreate(StepContext ctx, Engine engine, ServiceState was, String config) throws IOException {
            String svc = was.service();
            requireImage(engine, was.imageId(), svc);
            String ref = was.imageRef();
            if (ref.isEmpty() || ref.startsWith("sha256:")) {
                ref = was.imageId();
            } else if (!engine.imageId(ref).equals(Optional.of(was.imageId()))) {
                engine.tag(was.imageId(), ref);
            }
            Map<String, String> images = Engine.ComposeConfig.images(config);
            List<String> extra = new ArrayList<>();
            if (!ref.equals(images.getOrDefault(svc, ""))) {
                // the compose files now name another image: pin the recorded one for this recreation
                Path override = ctx.backupDir().resolve("compose-restore-" + svc + ".yml");
                String version = Engine.ComposeConfig.version(config);
                Files.writeString(override, (version.isEmpty() ? "" : "version: '" + version + "'\n")
                        + "services:\n  " + svc + ":\n    image: '" + ref.replace("'", "''") + "'\n",
                        StandardCharsets.UTF_8);
                extra.add(override.toString());
            }
            List<String> args = List.of("up", "-d", "--no-deps", "--force-recreate", "--no-build", svc);
            engine.compose(Engine.LONG, svc, extra, args);
        }

        @Override
        public String toString() {
            return "restore the services recorded before compose " + action.verb;
        }
    }
}
