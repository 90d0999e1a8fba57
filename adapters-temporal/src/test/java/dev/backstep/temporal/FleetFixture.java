package dev.backstep.temporal;

import dev.backstep.Plan;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.spi.Journal;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An in-process Temporal test server with one real worker per simulated host. Each host worker
 * gets its own catalog built over its own directory: that directory is the host's filesystem, so
 * a step that ran on the wrong worker would change the wrong directory.
 */
final class FleetFixture implements AutoCloseable {
    final TestWorkflowEnvironment env;
    final Path root;
    final BackstepWorkflows workflows;
    private final Function<Path, PlanCatalog> catalogFor;
    private final Map<String, WorkerFactory> factories = new LinkedHashMap<>();

    private FleetFixture(Path root, boolean timeSkipping, List<String> hosts, Function<Path, PlanCatalog> catalogFor,
                         Journal journal) throws IOException {
        this.root = root;
        this.catalogFor = catalogFor;
        this.env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(timeSkipping).build());
        Path control = Files.createDirectories(root.resolve(BackstepWorkers.CONTROL_HOST));
        BackstepWorkers.control(env.getWorkerFactory(), catalogFor.apply(control), control.resolve(".backstep"),
                journal);
        for (String h : hosts) {
            Files.createDirectories(dir(h));
        }
        env.start();
        for (String h : hosts) {
            startHost(h);
        }
        this.workflows = BackstepWorkflows.builder(client())
                .heartbeatTimeout(Duration.ofSeconds(10))
                .hostLostAfter(Duration.ofMinutes(2))
                .build();
    }

    static FleetFixture start(Path root, List<String> hosts, Function<Path, PlanCatalog> catalogFor)
            throws IOException {
        return new FleetFixture(root, false, hosts, catalogFor, null);
    }

    /** A fleet whose control worker also copies finished runs into {@code journal}. */
    static FleetFixture start(Path root, List<String> hosts, Function<Path, PlanCatalog> catalogFor, Journal journal)
            throws IOException {
        return new FleetFixture(root, false, hosts, catalogFor, journal);
    }

    static FleetFixture startTimeSkipping(Path root, List<String> hosts, Function<Path, PlanCatalog> catalogFor)
            throws IOException {
        return new FleetFixture(root, true, hosts, catalogFor, null);
    }

    WorkflowClient client() {
        return env.getWorkflowClient();
    }

    /** The host's filesystem. */
    Path dir(String host) {
        return root.resolve(host);
    }

    /**
     * The {@code deploy-web} plan of a host over its directory {@code fs}: {@code app.conf} becomes
     * {@code version=<version>}, then {@code fs/build} is deployed as release {@code <version>}.
     */
    static PlanCatalog.PlanFactory deployWeb(Path fs) {
        return (host, p) -> Plan.named("deploy web " + p.get("version"))
                .target(host)
                .step(ConfigFile.replace(fs.resolve("app.conf"), "version=" + p.get("version") + "\n"))
                .step(Release.in(fs).deploy(p.get("version"), fs.resolve("build")))
                .build();
    }

    /** Gives each host {@code app.conf = "version=1"} and a build {@code "v2 on <host>"} to deploy. */
    void seedVersion1WithBuild2(List<String> hosts) throws IOException {
        for (String h : hosts) {
            Files.writeString(dir(h).resolve("app.conf"), "version=1\n");
            Files.createDirectories(dir(h).resolve("build"));
            Files.writeString(dir(h).resolve("build/index.html"), "v2 on " + h);
        }
    }

    /** Starts (again) the worker of a host, in its own worker factory. */
    void startHost(String host) {
        WorkerFactory f = WorkerFactory.newInstance(client());
        BackstepWorkers.host(f, host, catalogFor.apply(dir(host)), dir(host).resolve(".backstep"));
        f.start();
        factories.put(host, f);
    }

    /** Kills the worker of a host: running activities are interrupted, nothing more is polled. */
    void killHost(String host) throws InterruptedException {
        WorkerFactory f = factories.remove(host);
        f.shutdownNow();
        f.awaitTermination(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        for (WorkerFactory f : factories.values()) {
            f.shutdownNow();
            f.awaitTermination(20, TimeUnit.SECONDS);
        }
        env.close();
    }
}
