package dev.backstep.internal;

import dev.backstep.BackstepException;
import dev.backstep.HostAffinityException;
import java.util.List;
import java.util.Objects;

/** A run's host-local compensations run only on the host that ran it. */
final class HostAffinity {
    private HostAffinity() {
    }

    /**
     * Refuses {@code r} on host {@code here} when it ran on another host and host-local steps of it
     * still need compensating. Runs journaled without a host are not refused.
     */
    static void check(RunState r, String here) {
        if (r.host == null || r.host.equals(here)) {
            return;
        }
        int pivot = r.pivotStage();
        List<String> local = r.applied().stream().filter(s -> s.stage() > pivot && !s.hostIndependent())
                .map(RunState.Step::name).toList();
        if (!local.isEmpty()) {
            throw new HostAffinityException(r.runId, r.host, here, local);
        }
    }

    static String checkName(String host) {
        dev.backstep.PlanDefinitionException.requireNonNull(host, null, "the runner host name");
        if (host.isBlank() || host.length() > 255 || host.chars().anyMatch(Character::isISOControl)) {
            throw new dev.backstep.PlanDefinitionException(null, null, "runner host name must be 1 to 255 characters without control characters,"
                    + " was '" + host.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return host;
    }
}
