package dev.backstep.systemd.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;

/**
 * Runs the part of a step that can fail halfway and, when it throws, undoes what was done so far
 * before the failure leaves the step: the engine does not compensate a step whose execute threw.
 */
public final class UndoOnFailure {
    /** The part of a step to guard. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private UndoOnFailure() {
    }

    /**
     * Runs {@code action}; if it throws, runs {@code undo} with {@code ctx} (a failure of the undo
     * is suppressed into the first) and rethrows. Example:
     * {@code UndoOnFailure.run(() -> manager.daemonReload(), compensation(), ctx);}
     */
    public static void run(Action action, Compensation undo, StepContext ctx) throws Exception {
        try {
            action.run();
        } catch (Exception e) {
            try {
                undo.compensate(ctx);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
