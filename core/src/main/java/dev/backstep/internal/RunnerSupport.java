package dev.backstep.internal;

import dev.backstep.Plan;
import dev.backstep.spi.JournalRecord.Keys;
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
        d.put(Keys.PLAN, plan.name());
        d.put(Keys.TARGET, plan.target());
        d.put(Keys.STEPS, Integer.toString(plan.steps().size()));
        d.put(Keys.HOST, run.host());
        d.put(Keys.PID, Long.toString(ProcessHandle.current().pid()));
        d.put(Keys.STATE_DIR, run.runStateDir().toString());
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
