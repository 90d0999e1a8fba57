package dev.backstep.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a REAL Docker engine for the suite: {@code dockerd} as root with its own data root,
 * exec root, pid file and socket under {@code /var/tmp/bsdk-<pid>} (bridge networks without
 * iptables: nothing touches the host's firewall or another daemon), waits for it (bounded), builds
 * the test images {@code FROM scratch} with the machine's {@code busybox-static} (no registry is
 * reachable), and when the whole test run ends removes every container, network and image, stops
 * the daemon and deletes its directory. Set {@code BACKSTEP_DOCKER_HOST} to use a running engine
 * instead (its test containers and images are removed too).
 *
 * <p>Needs root, {@code dockerd} (docker.io), {@code docker-compose} and {@code /bin/busybox}
 * from busybox-static; {@code .ci/run} installs them. Anything missing FAILS the tests.
 *
 * <p>Public and shipped in this module's test-jar: the examples' runbook 004 test uses it too
 * ({@code @ExtendWith(DockerEngine.class)}, then {@link #host()}, {@link #docker}, {@link #compose}).
 */
public final class DockerEngine implements BeforeAllCallback {
    private static Daemon daemon;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (DockerEngine.class) {
            if (daemon == null) {
                Daemon d = new Daemon();
                d.start();
                daemon = d;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(DockerEngine.class.getName(), d);
            }
        }
    }

    /** DOCKER_HOST of the engine. */
    public static String host() {
        return daemon.host;
    }

    /**
     * {@code host:port} of a local registry ({@code docker-registry} from Debian's docker-registry
     * package, on a free loopback port, storage in the suite's directory), started on first use.
     */
    static String registry() throws Exception {
        synchronized (DockerEngine.class) {
            return daemon.registry();
        }
    }

    /** Runs the docker CLI against the engine; fails on a non-zero exit. */
    public static String docker(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        return exec(Duration.ofMinutes(2), daemon.host, null, argv);
    }

    /** Runs docker-compose in {@code dir} against the engine; fails on a non-zero exit. */
    public static String compose(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("docker-compose"));
        argv.addAll(List.of(args));
        return exec(Duration.ofMinutes(3), daemon.host, dir, argv);
    }

    static String exec(Duration timeout, String host, Path dir, List<String> argv) throws IOException,
            InterruptedException {
        Path out = Files.createTempFile("backstep-docker-cmd", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (host != null) {
                pb.environment().put("DOCKER_HOST", host);
            }
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", argv) + " timed out after " + timeout);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + p.exitValue() + "): " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static final class Daemon implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private String host;
        private Path dir;
        private Process dockerd;
        private Process registry;
        private String registryAddress;

        String registry() throws Exception {
            if (registryAddress != null) {
                return registryAddress;
            }
            if (which("docker-registry") == null) {
                throw new IllegalStateException("docker-registry is missing: the pull tests push to a local registry"
                        + " (apt-get install -y docker-registry; .ci/run does it)");
            }
            Path rdir = Files.createDirectories((dir != null ? dir : Files.createTempDirectory("bsdk-registry"))
                    .resolve("registry"));
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Files.writeString(rdir.resolve("config.yml"), String.join("\n",
                    "version: 0.1",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + rdir.resolve("data"),
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    ""));
            registry = new ProcessBuilder("docker-registry", "serve", rdir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(rdir.resolve("registry.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException e) {
                    if (!registry.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("docker-registry did not start: "
                                + Files.readString(rdir.resolve("registry.log")), e);
                    }
                    Thread.sleep(200);
                }
            }
            registryAddress = "127.0.0.1:" + port;
            return registryAddress;
        }

        void start() throws Exception {
            for (String tool : new String[] {"dockerd", "docker", "docker-compose"}) {
                if (which(tool) == null) {
                    throw new IllegalStateException(tool + " is missing: the Docker tests run a real engine"
                            + " (apt-get install -y docker.io docker-compose busybox-static; .ci/run does it)");
                }
            }
            if (!Files.isExecutable(Path.of("/bin/busybox"))) {
                throw new IllegalStateException("/bin/busybox is missing (apt-get install -y busybox-static)");
            }
            String given = System.getenv("BACKSTEP_DOCKER_HOST");
            if (given != null && !given.isBlank()) {
                host = given;
            } else {
                dir = Files.createDirectories(Path.of("/var/tmp/bsdk-" + ProcessHandle.current().pid()));
                host = "unix://" + dir.resolve("docker.sock");
                dockerd = new ProcessBuilder("dockerd", "--data-root", dir.resolve("data").toString(),
                        "--exec-root", dir.resolve("x").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                        "-H", host, "--iptables=false", "--ip-masq=false", "--bridge=none", "--storage-driver=overlay2")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (true) {
                    if (!dockerd.isAlive()) {
                        throw new IllegalStateException("dockerd exited: " + Files.readString(dir.resolve("dockerd.log")));
                    }
                    try {
                        exec(Duration.ofSeconds(20), host, null, List.of("docker", "version"));
                        break;
                    } catch (IllegalStateException e) {
                        if (System.nanoTime() > deadline) {
                            close();
                            throw new IllegalStateException("dockerd did not answer within 90 s: "
                                    + Files.readString(dir.resolve("dockerd.log")), e);
                        }
                        Thread.sleep(250);
                    }
                }
            }
            buildImages();
        }

        /** app:1.0 and app:2.0: busybox httpd serving "version X"; 2.0 also logs an ERROR line with a password. */
        private void buildImages() throws Exception {
            Path ctx = Files.createTempDirectory("backstep-docker-image");
            try {
                Files.copy(Path.of("/bin/busybox"), ctx.resolve("busybox"));
                Files.writeString(ctx.resolve("Dockerfile"), String.join("\n",
                        "FROM scratch",
                        "COPY busybox /bin/busybox",
                        "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]",
                        "ARG VERSION",
                        "ENV VERSION=$VERSION",
                        "RUN mkdir -p /www && echo \"version $VERSION\" > /www/index.html",
                        "CMD [\"/bin/sh\", \"-c\", \"echo started version $VERSION; if [ $VERSION = 2.0 ]; then echo"
                                + " ERROR queue unreachable password=hunter2; fi; exec httpd -f -p 8080 -h /www\"]",
                        ""));
                for (String v : new String[] {"1.0", "2.0"}) {
                    exec(Duration.ofMinutes(3), host, ctx, List.of("docker", "build", "-q", "--label",
                            "backstep-test=1", "--build-arg", "VERSION=" + v, "-t", "backstep-app:" + v, "."));
                }
            } finally {
                try (var s = Files.walk(ctx)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            try {
                String ids = exec(Duration.ofMinutes(1), host, null, List.of("docker", "ps", "-aq",
                        "--filter", "label=com.docker.compose.project")).strip();
                if (!ids.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
                    rm.addAll(List.of(ids.split("\\s+")));
                    exec(Duration.ofMinutes(2), host, null, rm);
                }
                exec(Duration.ofMinutes(1), host, null, List.of("docker", "network", "prune", "-f"));
                String images = exec(Duration.ofMinutes(1), host, null, List.of("docker", "images", "-q",
                        "--filter", "label=backstep-test=1")).strip();
                if (!images.isEmpty()) {
                    List<String> rmi = new ArrayList<>(List.of("docker", "rmi", "-f"));
                    rmi.addAll(List.of(images.split("\\s+")).stream().distinct().toList());
                    exec(Duration.ofMinutes(2), host, null, rmi);
                }
            } catch (Exception e) {
                System.err.println("docker test cleanup: " + e.getMessage());
            }
            if (registry != null) {
                registry.destroy();
                if (!registry.waitFor(30, TimeUnit.SECONDS)) {
                    registry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (dockerd != null) {
                dockerd.destroy(); // SIGTERM: dockerd stops its containers and containerd
                if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                exec(Duration.ofMinutes(2), null, null, List.of("rm", "-rf", "--one-file-system", dir.toString()));
            }
        }
    }

    private static Path which(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            Path p = Path.of(d, tool);
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
