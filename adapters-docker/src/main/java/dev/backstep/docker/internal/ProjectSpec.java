package dev.backstep.docker.internal;

import dev.backstep.docker.DockerException;
import dev.backstep.docker.DockerException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A compose project with its command line resolved (v1 or v2), as recorded in the journal: one
 * {@code key<TAB>value} per line, lists as repeated keys. Holds no secrets.
 *
 * @param dir the project directory
 * @param files compose files, absolute; never empty once resolved
 * @param envFile the env file, absolute, or empty
 * @param dockerHost DOCKER_HOST for every command, or empty for the environment's
 * @param compose argv prefix of compose commands
 * @param docker argv prefix of docker commands
 * @param v2 whether compose is the v2 plugin
 */
public record ProjectSpec(Path dir, List<Path> files, Optional<Path> envFile, Optional<String> dockerHost,
                          List<String> compose, List<String> docker, boolean v2) {

    public ProjectSpec {
        files = List.copyOf(files);
        compose = List.copyOf(compose);
        docker = List.copyOf(docker);
    }

    public String encode() {
        StringBuilder sb = new StringBuilder();
        line(sb, "dir", dir.toString());
        files.forEach(f -> line(sb, "file", f.toString()));
        envFile.ifPresent(e -> line(sb, "env-file", e.toString()));
        dockerHost.ifPresent(h -> line(sb, "docker-host", h));
        compose.forEach(a -> line(sb, "compose", a));
        docker.forEach(a -> line(sb, "docker", a));
        line(sb, "v2", Boolean.toString(v2));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append('\t').append(value).append('\n');
    }

    public static ProjectSpec decode(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            throw new DockerException(Reason.INVALID_ARGUMENT, null, "no compose project was recorded");
        }
        Path dir = null;
        List<Path> files = new ArrayList<>();
        Path env = null;
        String host = null;
        List<String> compose = new ArrayList<>();
        List<String> docker = new ArrayList<>();
        boolean v2 = false;
        for (String line : encoded.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                continue;
            }
            String k = line.substring(0, tab);
            String v = line.substring(tab + 1);
            switch (k) {
                case "dir" -> dir = Path.of(v);
                case "file" -> files.add(Path.of(v));
                case "env-file" -> env = Path.of(v);
                case "docker-host" -> host = v;
                case "compose" -> compose.add(v);
                case "docker" -> docker.add(v);
                case "v2" -> v2 = Boolean.parseBoolean(v);
                default -> { }
            }
        }
        if (dir == null || compose.isEmpty() || docker.isEmpty()) {
            throw new DockerException(Reason.INVALID_ARGUMENT, null, "the recorded compose project is incomplete");
        }
        return new ProjectSpec(dir, files, Optional.ofNullable(env), Optional.ofNullable(host), compose, docker, v2);
    }
}
