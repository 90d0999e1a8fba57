package dev.backstep;

/**
 * Renders a {@link RunResult} for people (a text table) and for machines (JSON). Secrets never
 * appear: errors and recorded values are already redacted.
 *
 * <pre>{@code
 * System.out.println(result.report().toText());
 * Files.writeString(reportFile, result.report().toJson());
 * Files.writeString(Path.of("target/backstep-run.html"), result.report().toHtml());
 * }</pre>
 */
public interface RunReport {

    String toText();

    String toJson();

    /**
     * One self-contained HTML page (no script, nothing loaded from the network: inline CSS, the
     * plan as an inline SVG) for people and CI artifacts: status, the RTO (from the failure being
     * detected to the rollback finished, and verified when the plan has {@code verifyAfterRollback}
     * checks), the plan, every failure with its message, and a timeline of steps, compensations and
     * the rollback's last phase with their durations.
     */
    String toHtml();

    /**
     * The standard report of any {@link RunResult}, also of one made outside the runner (for
     * example by an executor that runs plans elsewhere and returns its own result type).
     *
     * <pre>{@code
     * public RunReport report() {
     *     return RunReport.of(this);
     * }
     * }</pre>
     */
    static RunReport of(RunResult result) {
        return dev.backstep.internal.TextAndJsonReport.of(result);
    }
}
