package dev.backstep.event;

import dev.backstep.PlanDefinitionException;
import java.io.PrintStream;

/**
 * Behind {@link RunListener#console(PrintStream)}: prints a progress line per event, for people watching a terminal.
 *
 * <pre>{@code
 *   ▶ run 20261122-014500-3f9a1c: deploy shop v1.3.0 (5 steps)
 *   ✔ checkout v1.3.0                         120 ms
 *   ✘ health check                            failed: expected 200 but was 503
 *   ↩ undo checkout v1.3.0                    ok
 * }</pre>
 *
 * <p>Thread-safe (lines are printed whole).
 */
final class ConsoleRunListener implements RunListener {
    private final PrintStream out;

    ConsoleRunListener(PrintStream out) {
        this.out = PlanDefinitionException.requireNonNull(out, null, "the output stream");
    }

    private synchronized void line(String symbol, String what, String detail) {
        out.printf("  %s %-40s %s%n", symbol, what, detail);
        out.flush();
    }

    @Override
    public void onRunStart(RunEvent.RunStarted e) {
        line("▶", "run " + e.runId(), e.planName() + " on " + e.target() + " (" + e.stepCount() + " steps)");
    }

    @Override
    public void onRunEnd(RunEvent.RunFinished e) {
        line(e.status().isFailure() ? "■" : "★", "run " + e.runId(), e.status() + " in " + e.duration().toMillis() + " ms");
    }

    @Override
    public void onStepStart(RunEvent.StepStarted e) {
        line("…", e.step(), e.attempt() > 1 ? "attempt " + e.attempt() : "");
    }

    @Override
    public void onStepEnd(RunEvent.StepFinished e) {
        if (e.succeeded()) {
            line("✔", e.step(), e.duration().toMillis() + " ms");
        } else {
            line("✘", e.step(), "failed: " + e.error().get().getMessage());
        }
    }

    @Override
    public void onRetry(RunEvent.StepRetrying e) {
        line("↻", e.step(), "retry in " + e.delay().toMillis() + " ms after: " + e.error().getMessage());
    }

    @Override
    public void onRollbackStart(RunEvent.RollbackStarted e) {
        line("⟲", "rolling back", e.reason());
    }

    @Override
    public void onCompensationEnd(RunEvent.CompensationFinished e) {
        if (e.succeeded()) {
            line("↩", "undo " + e.step(), "ok, " + e.duration().toMillis() + " ms");
        } else {
            line("‼", "undo " + e.step(), "FAILED: " + e.error().get().getMessage());
        }
    }

    @Override
    public void onCompensationSkipped(RunEvent.CompensationSkipped e) {
        line("·", "keep " + e.step(), e.reason());
    }

    @Override
    public void onRollbackStepEnd(RunEvent.RollbackStepFinished e) {
        String what = (e.kind() == dev.backstep.StepKind.VERIFICATION ? "check " : "then ") + e.step();
        if (e.succeeded()) {
            line("✔", what, "ok, " + e.duration().toMillis() + " ms");
        } else {
            line("‼", what, "FAILED: " + e.error().get().getMessage());
        }
    }
}
