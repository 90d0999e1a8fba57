package dev.backstep.docker;

import dev.backstep.spi.JournaledArgv;
import java.util.List;
import java.util.Objects;

/**
 * Which Compose runs a project's commands: the {@code docker compose} plugin (v2), the standalone
 * {@code docker-compose} (v1, e.g. Debian bookworm's package), or whichever of the two answers
 * ({@link #detect()}, the default: the plugin if {@code docker compose version} succeeds), and the
 * {@code docker} CLI used to inspect containers and tag images. Argv prefixes, never shell
 * strings; recorded in the journal, so never put a secret here. Immutable.
 *
 * <pre>{@code
 * Compose shop = Compose.project(Path.of("/srv/shop")).cli(ComposeCli.v1());
 * Compose sudo = Compose.project(dir).cli(ComposeCli.v2().via("sudo", "-n"));
 * }</pre>
 */
public final class ComposeCli {
    private static final ComposeCli DETECT = new ComposeCli(Kind.DETECT, List.of(), "docker", "docker-compose");

    /** How the compose command is found. */
    enum Kind { DETECT, V1, V2 }

    private final Kind kind;
    private final List<String> wrapper;
    private final String docker;
    private final String dockerCompose;

    private ComposeCli(Kind kind, List<String> wrapper, String docker, String dockerCompose) {
        this.kind = kind;
        this.wrapper = wrapper;
        this.docker = docker;
        this.dockerCompose = dockerCompose;
    }

    /** {@code docker compose} when the plugin answers, else {@code docker-compose}; decided on first use. */
    public static ComposeCli detect() {
        return DETECT;
    }

    /** The standalone {@code docker-compose} (Compose v1). */
    public static ComposeCli v1() {
        return new ComposeCli(Kind.V1, List.of(), "docker", "docker-compose");
    }

    /** The {@code docker compose} plugin (Compose v2). */
    public static ComposeCli v2() {
        return new ComposeCli(Kind.V2, List.of(), "docker", "docker-compose");
    }

    /** Runs docker and compose through a wrapper: {@code via("sudo", "-n")}. */
    public ComposeCli via(String... wrapperArgv) {
        return new ComposeCli(kind, JournaledArgv.wrapper(wrapperArgv), docker, dockerCompose);
    }

    /** The docker CLI to run ({@code /usr/bin/docker}); default {@code docker} from the PATH. */
    public ComposeCli docker(String executable) {
        return new ComposeCli(kind, wrapper, JournaledArgv.word("docker executable", executable), dockerCompose);
    }

    /** The standalone compose to run for v1; default {@code docker-compose} from the PATH. */
    public ComposeCli dockerCompose(String executable) {
        return new ComposeCli(kind, wrapper, docker, JournaledArgv.word("docker-compose executable", executable));
    }

    Kind kind() {
        return kind;
    }

    /** The argv prefix of docker commands. */
    public List<String> dockerPrefix() {
        return concat(wrapper, List.of(docker));
    }

    /** The argv prefix of compose commands for v2 ({@code docker compose}) or v1 ({@code docker-compose}). */
    public List<String> composePrefix(boolean v2) {
        return concat(wrapper, v2 ? List.of(docker, "compose") : List.of(dockerCompose));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComposeCli c && c.kind == kind && c.wrapper.equals(wrapper) && c.docker.equals(docker)
                && c.dockerCompose.equals(dockerCompose);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, wrapper, docker, dockerCompose);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DETECT -> "docker compose or docker-compose";
            case V1 -> String.join(" ", composePrefix(false));
            case V2 -> String.join(" ", composePrefix(true));
        };
    }
}
