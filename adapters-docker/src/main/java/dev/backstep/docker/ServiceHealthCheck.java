package dev.backstep.docker;

import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.check.Check;
import dev.backstep.check.CustomCheck;
import dev.backstep.docker.DockerException.Reason;
import dev.backstep.docker.internal.Engine;
import dev.backstep.docker.internal.ServiceState;
import java.time.Duration;

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
public final class ServiceHealthCheck implements Step {
    private final Compose project;
    private final String service;
    private final CustomCheck check;

    private ServiceHealthCheck(Compose project, String service, CustomCheck check) {
        this.project = project;
        this.service = service;
        this.check = check;
    }

    static ServiceHealthCheck of(Compose project, String service) {
        CustomCheck probe = Check.that(service + " healthy", ctx -> {
            ServiceState s = new Engine(project.spec(ctx.commands()), ctx.commands()).state(service);
            if (!s.running() || !(s.health().isEmpty() || s.health().equals("healthy"))) {
                throw new DockerException(Reason.NOT_RUNNING, service, "service " + service
                        + ": expected a running" + (s.health().isEmpty() ? "" : ", healthy") + " container but was "
                        + s.brief());
            }
        });
        return new ServiceHealthCheck(project, service, probe);
    }

    /** Keeps polling until the service is up or {@code deadline} has passed (default: one look). */
    public ServiceHealthCheck within(Duration deadline) {
        return new ServiceHealthCheck(project, service, check.within(deadline));
    }

    /** The pause between looks (default 1 s). */
    public ServiceHealthCheck every(Duration interval) {
        return new ServiceHealthCheck(project, service, check.every(interval));
    }

    /** How many good looks in a row are needed (default 1); needs {@link #within}. */
    public ServiceHealthCheck consecutive(int passes) {
        return new ServiceHealthCheck(project, service, check.consecutive(passes));
    }

    public String service() {
        return service;
    }

    @Override
    public String name() {
        return check.name();
    }

    @Override
    public StepKind kind() {
        return StepKind.VERIFICATION;
    }

    @Override
    public String type() {
        return Compose.HEALTHY;
    }

    @Override
    public Compensation compensation() {
        return Check.COMPENSATION;
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        check.validate(ctx);
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        check.execute(ctx);
    }

    @Override
    public String describe() {
        return check.describe() + ": " + project.describe() + " service " + service + " running and healthy";
    }

    @Override
    public String toString() {
        return "ServiceHealthCheck[" + service + "]";
    }
}
