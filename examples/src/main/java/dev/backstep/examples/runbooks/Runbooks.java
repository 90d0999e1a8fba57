package dev.backstep.examples.runbooks;

import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import java.util.List;

/**
 * What the runbooks share: the checks of their configuration records, each refusing bad input
 * with a {@link PlanDefinitionException} that names the runbook ({@code runbook 003: the target
 * is blank}), and a deploy that marks a succeeded run good.
 */
final class Runbooks {
    private Runbooks() {
    }

    /** Runs {@code plan}; marks the run good when it succeeded, so that {@code rollbackToLastGood} comes back to it. */
    static RunResult runAndMarkGood(Runner runner, Plan plan) {
        RunResult result = runner.run(plan);
        if (result.status() == RunStatus.SUCCEEDED) {
            runner.markGood(result.runId());
        }
        return result;
    }

    /** {@code value}, or a refusal "{@code <runbook>: the <what> is blank}" when it is null or blank. */
    static String notBlank(String runbook, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new PlanDefinitionException(null, null, runbook + ": the " + what + " is blank");
        }
        return value;
    }

    /** A copy of {@code list}, or a refusal "{@code <runbook>: the <what> is empty}" when it is empty. */
    static <T> List<T> notEmpty(String runbook, List<T> list, String what) {
        List<T> copy = List.copyOf(list);
        if (copy.isEmpty()) {
            throw new PlanDefinitionException(null, null, runbook + ": the " + what + " is empty");
        }
        return copy;
    }

    /** {@code rate}, or a refusal when it is not strictly between 0 and 1 (a share of failed requests). */
    static double errorRate(String runbook, double rate) {
        if (!(rate > 0 && rate < 1)) {
            throw new PlanDefinitionException(null, null, runbook + ": maxErrorRate must be between 0 and 1, was "
                    + rate);
        }
        return rate;
    }
}
