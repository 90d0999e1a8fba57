package dev.backstep.docker.internal;

/** Journal keys of the Docker steps; all prefixed so they never meet a delegate's keys. */
public final class Keys {
    /** The project as {@link ProjectSpec#encode()} writes it. */
    public static final String PROJECT = "docker.project";
    /** The step's verb: up, pull, stop, restart, exec. */
    public static final String ACTION = "docker.action";
    /** The services whose state was recorded, newline-separated, in order. */
    public static final String SERVICES = "docker.services";

    private Keys() {
    }

    /** The state of a service's container before the step ({@link ServiceState#encode()}). */
    public static String state(String service) {
        return "docker.state." + service;
    }

    /** For pull: the image reference of a service and the image id it named before, newline-separated. */
    public static String tag(String service) {
        return "docker.tag." + service;
    }
}
