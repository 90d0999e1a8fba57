package dev.backstep.systemd;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Boots a REAL systemd (Debian bookworm, debootstrapped once into a cached root file system)
 * under {@code systemd-nspawn --boot}, once per test class, on a throw-away overlay of the cached
 * root, and tears it down afterwards. Tests reach it with {@link #systemctl()}, which runs the
 * container's own systemctl inside its namespaces ({@code nsenter -t <pid 1> -a systemctl}).
 *
 * <p>Needs root, {@code debootstrap}, {@code systemd-nspawn} (systemd-container), {@code nsenter}
 * and overlayfs; {@code .ci/run} installs the packages. Anything missing FAILS the tests, it never
 * skips them. The cache directory is {@code $BACKSTEP_SYSTEMD_ROOTFS} or
 * {@code /var/tmp/backstep-systemd-rootfs}; the mirror {@code $BACKSTEP_DEBIAN_MIRROR} or
 * {@code http://deb.debian.org/debian}.
 *
 * <p>Public, in the module's tests-jar, so that other modules' tests (examples) boot the same:
 * {@code @RegisterExtension static final SystemdContainer BOX = new SystemdContainer();}.
 */
public final class SystemdContainer implements BeforeAllCallback, AfterAllCallback {
    private static final Path CACHE = Path.of(System.getenv().getOrDefault("BACKSTEP_SYSTEMD_ROOTFS",
            "/var/tmp/backstep-systemd-rootfs"));
    private static final String MIRROR = System.getenv().getOrDefault("BACKSTEP_DEBIAN_MIRROR",
            "http://deb.debian.org/debian");
    private static final String MARKER = ".backstep-rootfs-complete";

    private Path work;
    private Path root;
    private Process nspawn;
    private String pid;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (String tool : new String[] {"debootstrap", "systemd-nspawn", "nsenter", "mount", "umount"}) {
            if (which(tool) == null) {
                throw new IllegalStateException(tool + " is missing: the systemd tests boot a real systemd under "
                        + "systemd-nspawn (apt-get install -y systemd-container debootstrap; .ci/run does it)");
            }
        }
        ensureRootfs();
        work = Files.createTempDirectory(Path.of("/var/tmp"), "backstep-systemd-");
        Path upper = Files.createDirectories(work.resolve("upper"));
        Path wd = Files.createDirectories(work.resolve("work"));
        root = Files.createDirectories(work.resolve("root"));
        exec(Duration.ofSeconds(30), "mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=" + CACHE + ",upperdir=" + upper + ",workdir=" + wd, root.toString());
        String machine = "bs-" + UUID.randomUUID().toString().substring(0, 8);
        nspawn = new ProcessBuilder("systemd-nspawn", "-q", "-D", root.toString(), "--boot", "--register=no",
                "--keep-unit", "-M", machine)
                .redirectErrorStream(true).redirectOutput(work.resolve("console.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pid == null) {
            if (!nspawn.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("systemd-nspawn did not boot the container: "
                        + Files.readString(work.resolve("console.log")));
            }
            pid = nspawn.children().map(p -> Long.toString(p.pid())).filter(SystemdContainer::isSystemd)
                    .findFirst().orElse(null);
            Thread.sleep(100);
        }
        String state = "";
        while (System.nanoTime() < deadline) {
            Result r = run(Duration.ofSeconds(60), "nsenter", "-t", pid, "-a", "systemctl", "is-system-running",
                    "--wait");
            state = r.out.strip();
            if (state.equals("running") || state.equals("degraded")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the container's systemd did not finish booting: " + state + "\n"
                + Files.readString(work.resolve("console.log")));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (nspawn != null) {
            nspawn.destroy(); // SIGTERM: systemd-nspawn powers the container off
            if (!nspawn.waitFor(60, TimeUnit.SECONDS)) {
                nspawn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (root != null) {
            exec(Duration.ofSeconds(30), "umount", root.toString());
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The container's systemd, through its own systemctl. */
    public Systemctl systemctl() {
        return Systemctl.system().via("nsenter", "-t", pid, "-a");
    }

    /** The container's {@code /etc/systemd/system}, as seen from the host. */
    public Path unitDir() {
        return root.resolve("etc/systemd/system");
    }

    /** A path inside the container's root, as seen from the host ({@code "etc/my_form_bot.env"}). */
    public Path host(String insideRoot) {
        return root.resolve(insideRoot);
    }

    /** The argv prefix that runs a program inside the container ({@code nsenter -t <pid 1> -a}). */
    public List<String> nsenter() {
        return List.of("nsenter", "-t", pid, "-a");
    }

    private static boolean isSystemd(String pid) {
        try {
            return Files.readString(Path.of("/proc", pid, "comm")).strip().equals("systemd");
        } catch (IOException e) {
            return false;
        }
    }

    private static synchronized void ensureRootfs() throws Exception {
        if (Files.exists(CACHE.resolve(MARKER))) {
            return;
        }
        Path lock = Path.of(CACHE + ".lock");
        try (RandomAccessFile f = new RandomAccessFile(lock.toFile(), "rw"); FileLock l = f.getChannel().lock()) {
            if (Files.exists(CACHE.resolve(MARKER))) {
                return;
            }
            Path tmp = Path.of(CACHE + ".tmp-" + ProcessHandle.current().pid());
            Result r = run(Duration.ofMinutes(10), "debootstrap", "--variant=minbase", "--include=systemd,dbus",
                    "bookworm", tmp.toString(), MIRROR);
            if (r.code != 0) {
                throw new IllegalStateException("debootstrap failed (exit " + r.code + "): " + tail(r.out));
            }
            Files.writeString(tmp.resolve(MARKER), "debootstrap bookworm from " + MIRROR + "\n");
            if (Files.exists(CACHE)) {
                exec(Duration.ofMinutes(2), "rm", "-rf", "--one-file-system", CACHE.toString());
            }
            Files.move(tmp, CACHE);
        }
    }

    private record Result(int code, String out) {
    }

    private static Result run(Duration timeout, String... argv) throws IOException, InterruptedException {
        Path log = Files.createTempFile("backstep-systemd-cmd", ".log");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " timed out after " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void exec(Duration timeout, String... argv) throws IOException, InterruptedException {
        Result r = run(timeout, argv);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.code + "): " + r.out);
        }
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
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
