package dev.backstep.internal;

import dev.backstep.Plan;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small shared pieces of the runner. */
final class RunnerSupport {
    private RunnerSupport() {
    }

    static Map<String, String> runStartedData(Plan plan, RunInfo run) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("plan", plan.name());
        d.put("target", plan.target());
        d.put("steps", Integer.toString(plan.steps().size()));
        d.put("host", run.host());
        d.put("pid", Long.toString(ProcessHandle.current().pid()));
        d.put("stateDir", run.runStateDir().toString());
        d.putAll(RollbackHooks.runStartedData(plan));
        if (run.order() > 0) {
            d.put(RunOrder.KEY, Long.toString(run.order()));
        }
        return d;
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
