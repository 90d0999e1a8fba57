package dev.backstep.temporal;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Names a plan of a {@link PlanCatalog}, the host it runs on and its parameters. Plans hold code,
 * so workflows carry this reference and every worker builds the plan from its own catalog.
 *
 * <pre>{@code
 * PlanRef ref = PlanRef.of("deploy-web", "web-3").with("version", "1.3.0");
 * }</pre>
 *
 * @param plan the plan's name in the catalog
 * @param host the host whose worker runs the steps (task queue {@code backstep-<host>})
 * @param params parameters handed to the plan factory, never secrets (they are kept in history)
 */
public record PlanRef(String plan, String host, Map<String, String> params) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /**
     * @throws TemporalConfigException for a blank plan name or an unsafe host name
     */
    public PlanRef {
        if (plan == null || plan.isBlank()) {
            throw new TemporalConfigException("a plan reference needs a plan name");
        }
        checkHost(host);
        params = params == null ? Map.of() : Map.copyOf(new TreeMap<>(params));
    }

    public static PlanRef of(String plan, String host) {
        return new PlanRef(plan, host, Map.of());
    }

    /** This reference with one more parameter. */
    public PlanRef with(String key, String value) {
        Map<String, String> p = new TreeMap<>(params);
        p.put(TemporalConfigException.requireNonNull(key, "the parameter name"),
                TemporalConfigException.requireNonNull(value, "the value of parameter '" + key + "'"));
        return new PlanRef(plan, host, p);
    }

    /** The task queue of the host: {@code backstep-<host>}. */
    public String taskQueue() {
        return BackstepWorkers.taskQueue(host);
    }

    static String checkHost(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new TemporalConfigException("invalid host name '" + host
                    + "': use letters, digits, '.', '_' and '-' (at most 100)");
        }
        return host;
    }
}
