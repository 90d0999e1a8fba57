package dev.backstep.docker;

import dev.backstep.StepContext;
import dev.backstep.check.Check;
import dev.backstep.check.PollingCheck;
import dev.backstep.docker.DockerException.Reason;
import dev.backstep.docker.internal.Engine;
import dev.backstep.docker.internal.ServiceState;

/**
 * A verification that a Compose service is up: its container is {@code running} and, when the
 * service has a healthcheck, Docker reports it {@code healthy}; polled like the other
 * {@link Check checks} until it passes or the deadline ends. Built by {@link Compose#healthy};
 * immutable.
 *
 * <pre>{@code
 * Step up = Compose.project(dir).healthy("api").within(Duration.ofSeconds(60)).every(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Failure message: {@code service api: expected a running, healthy container but was app:1.3.0
 * (sha256:5237a2efa094) running, unhealthy} plus the last attempts.
 */
public final class ServiceHealthCheck extends PollingCheck<ServiceHealthCheck> {
    private final Compose project;
    private final String service;

    private ServiceHealthCheck(Compose project, String service, String name, Schedule schedule) {
        super(name, Compose.HEALTHY, schedule);
        this.project = project;
        this.service = service;
    }

    static ServiceHealthCheck of(Compose project, String service) {
        return new ServiceHealthCheck(project, service, service + " healthy", Schedule.ONCE);
    }

    @Override
    protected ServiceHealthCheck copy(String name, Schedule schedule) {
        return new ServiceHealthCheck(project, service, name, schedule);
    }

    public String service() {
        return service;
    }

    /** Looks at the service until it is up. */
    @Override
    public void execute(StepContext ctx) throws Exception {
        poll(ctx, c -> {
            ServiceState s = new Engine(project.spec(c.commands()), c.commands()).state(service);
            if (!s.running() || !(s.health().isEmpty() || s.health().equals("healthy"))) {
                throw new DockerException(Reason.NOT_RUNNING, service, "service " + service
                        + ": expected a running" + (s.health().isEmpty() ? "" : ", healthy") + " container but was "
                        + s.brief());
            }
        });
    }

    @Override
    public String describe() {
        return "check " + name() + polled() + ": " + project.describe() + " service " + service
                + " running and healthy";
    }

    @Override
    public String toString() {
        return "ServiceHealthCheck[" + service + "]";
    }
}
