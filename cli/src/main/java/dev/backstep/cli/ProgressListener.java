package dev.backstep.cli;

import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import java.io.PrintStream;

/** Progress lines while a rollback or recovery works: every compensation's start and end. */
final class ProgressListener implements RunListener {
    private final PrintStream out;

    ProgressListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onRollbackStart(RunEvent.RollbackStarted e) {
        line("rolling back " + e.runId() + ": " + e.reason());
    }

    @Override
    public void onCompensationStart(RunEvent.CompensationStarted e) {
        line("  undoing " + e.step() + (e.attempt() > 1 ? " (attempt " + e.attempt() + ")" : "") + " ...");
    }

    @Override
    public void onCompensationEnd(RunEvent.CompensationFinished e) {
        line(e.error().map(x -> "  FAILED to undo " + e.step() + ": " + x.getMessage())
                .orElse("  undone " + e.step() + " (" + e.duration().toMillis() + " ms)"));
    }

    @Override
    public void onCompensationSkipped(RunEvent.CompensationSkipped e) {
        line("  kept " + e.step() + ": " + e.reason());
    }

    @Override
    public void onRollbackStepEnd(RunEvent.RollbackStepFinished e) {
        line(e.error().map(x -> "  after rollback: " + e.step() + " FAILED: " + x.getMessage())
                .orElse("  after rollback: " + e.step() + " ok"));
    }

    @Override
    public void onRunEnd(RunEvent.RunFinished e) {
        line(e.runId() + " " + e.status());
    }

    private void line(String s) {
        out.println(s);
        out.flush();
    }
}
