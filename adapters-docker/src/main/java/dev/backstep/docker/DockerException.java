package dev.backstep.docker;

import dev.backstep.BackstepException;

/**
 * A Docker Compose step, check or query could not do what it was asked; {@link #reason()} says
 * why and {@link #service()} names the service when there is one. In a plan, problems found before
 * anything runs arrive wrapped in a {@link dev.backstep.StepValidationException}.
 *
 * <pre>{@code
 * try {
 *     runner.run(plan);
 * } catch (StepValidationException e) {
 *     if (e.getCause() instanceof DockerException d && d.reason() == DockerException.Reason.IMAGE_NOT_FOUND) { ... }
 * }
 * }</pre>
 */
public class DockerException extends BackstepException {
    private static final long serialVersionUID = 1L;

    /** Why a Docker operation failed. */
    public enum Reason {
        /**
         * Recorded data the undo needs is missing or incomplete (the compose project in the
         * journal). A bad argument to a factory or builder (a null or malformed service name, path,
         * argv) is a {@link dev.backstep.PlanDefinitionException} instead.
         */
        INVALID_ARGUMENT,
        /** Neither {@code docker compose} nor {@code docker-compose} answers, or {@code docker} is missing. */
        COMPOSE_NOT_FOUND,
        /** The project, its compose file or env file is missing or invalid. */
        PROJECT_INVALID,
        /** The compose project has no such service. */
        SERVICE_NOT_FOUND,
        /** The image a service runs is not on the engine. */
        IMAGE_NOT_FOUND,
        /** The service has no running container (for exec). */
        NOT_RUNNING,
        /** A docker or compose command ran and failed. */
        COMMAND_FAILED
    }

    private final Reason reason;
    private final String service;

    public DockerException(Reason reason, String service, String message) {
        this(reason, service, message, null);
    }

    public DockerException(Reason reason, String service, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.service = service;
    }

    public Reason reason() {
        return reason;
    }

    /** The service concerned, or null. */
    public String service() {
        return service;
    }
}
