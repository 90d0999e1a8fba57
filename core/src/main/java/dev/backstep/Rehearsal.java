package dev.backstep;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Runner#rehearse}: the plan ran forward, a forced failure rolled it back,
 * and the {@link Fingerprint fingerprints} of every resource its steps touch were compared
 * before the run and after the rollback; then, if they matched, the plan ran forward again.
 *
 * <pre>{@code
 * Rehearsal r = runner.rehearse(plan);
 * if (!r.restoredExactly()) {
 *     System.err.println(r.toText());   // file:/srv/shop/.env: mode rw-r----- -> rw-------
 * }
 * r.secondRun().ifPresent(run -> System.out.println("re-applied: " + run.status()));
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param planName the plan rehearsed
 * @param before the fingerprints before the rehearsal, one per resource
 * @param afterRollback the fingerprints after the rollback, one per resource
 * @param differences every fact that differs (see {@link Fingerprint#differences}), and every
 *     step that could not describe its resources after the rollback; empty when restored exactly
 * @param rollbackRun the forward run with the forced failure at its end, rolled back
 * @param secondRun the run that applied the plan again; empty when the rollback was not exact
 * @param notFingerprinted steps (not verifications) that describe no fingerprint, such as
 *     {@link Command}s: their rollback ran but could not be checked
 */
public record Rehearsal(String planName, List<Fingerprint> before, List<Fingerprint> afterRollback,
                        List<String> differences, RunResult rollbackRun, Optional<RunResult> secondRun,
                        List<String> notFingerprinted) {

    /** The name of the verification a rehearsal appends to the plan and that always fails. */
    public static final String FORCED_ROLLBACK_STEP = "rehearsal: forced rollback";

    public Rehearsal {
        Objects.requireNonNull(planName, "planName");
        before = List.copyOf(before);
        afterRollback = List.copyOf(afterRollback);
        differences = List.copyOf(differences);
        Objects.requireNonNull(rollbackRun, "rollbackRun");
        Objects.requireNonNull(secondRun, "secondRun");
        notFingerprinted = List.copyOf(notFingerprinted);
    }

    /** Every step ran forward: the run failed at the forced verification, not at a step of the plan. */
    public boolean forwardCompleted() {
        return rollbackRun.failedStep().equals(Optional.of(FORCED_ROLLBACK_STEP));
    }

    /**
     * True when every step ran forward, the rollback ended {@link RunStatus#ROLLED_BACK} and no
     * fingerprint differs.
     */
    public boolean restoredExactly() {
        return forwardCompleted() && rollbackRun.status() == RunStatus.ROLLED_BACK && differences.isEmpty();
    }

    /** True when the plan was applied again after its rollback and that run succeeded. */
    public boolean reapplied() {
        return secondRun.map(RunResult::succeeded).orElse(false);
    }

    /** A short human-readable account: forward, rollback, differences, second run. */
    public String toText() {
        StringBuilder b = new StringBuilder("Rehearsal of plan '").append(planName).append("'\n");
        b.append("  forward:   ");
        if (forwardCompleted()) {
            b.append("every step ran, then '").append(FORCED_ROLLBACK_STEP).append("' failed on purpose\n");
        } else {
            b.append("stopped at ").append(rollbackRun.failedStep().map(s -> "step '" + s + "'").orElse("no step"))
                    .append(rollbackRun.failure().map(f -> ": " + f.getMessage()).orElse("")).append('\n');
        }
        b.append("  rollback:  ").append(rollbackRun.status()).append(", ")
                .append(rollbackRun.compensated().size()).append(" step(s) compensated");
        if (!rollbackRun.stillApplied().isEmpty()) {
            b.append(", still applied: ").append(String.join(", ", rollbackRun.stillApplied()));
        }
        b.append('\n');
        if (!rollbackRun.rollbackSteps().isEmpty()) {
            b.append("  then:      ").append(String.join(", ", rollbackRun.rollbackSteps().stream()
                    .map(s -> s.name() + (s.kind() == StepKind.VERIFICATION ? " [verify] " : " ") + s.status())
                    .toList())).append('\n');
        }
        int facts = before.stream().mapToInt(f -> f.facts().size()).sum();
        if (differences.isEmpty()) {
            b.append("  restored:  ").append(restoredExactly() ? "exactly" : "no difference found")
                    .append(" (").append(before.size()).append(" resource(s), ").append(facts)
                    .append(" fact(s) compared)\n");
        } else {
            b.append("  restored:  NOT exactly, ").append(differences.size()).append(" difference(s):\n");
            differences.forEach(d -> b.append("    - ").append(d).append('\n'));
        }
        if (!notFingerprinted.isEmpty()) {
            b.append("  unchecked: ").append(String.join(", ", notFingerprinted))
                    .append(" (no fingerprint: rolled back, not compared)\n");
        }
        b.append("  again:     ").append(secondRun.map(r -> r.status() + " (run " + r.runId().value() + ")")
                .orElse("not run (the rollback was not exact)")).append('\n');
        return b.toString();
    }

    @Override
    public String toString() {
        return toText();
    }
}
