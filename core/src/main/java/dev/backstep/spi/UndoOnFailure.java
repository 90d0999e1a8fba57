package dev.backstep.spi;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import java.util.Objects;

/**
 * Runs the part of a step's action that can fail halfway and, when it throws, runs the step's own
 * compensation before the failure leaves the action. A step that changes several things (stops
 * three units, recreates two containers) and fails after the first is then back where it started
 * at once: a retry of the action starts from the state before the step rather than a half-changed
 * one, and the rollback that follows the last attempt finds nothing left to undo.
 * The compensation reads the values the step recorded before acting, so record first, then run the
 * change through here; compensations are idempotent, so running it again later is harmless.
 *
 * <pre>{@code
 * public void execute(StepContext ctx) throws Exception {
 *     ctx.record("units", String.join("\n", units));
 *     for (String u : units) ctx.record("active." + u, manager.activeState(u));
 *     UndoOnFailure.run(() -> units.forEach(manager::stop), compensation(), ctx);
 * }
 * }</pre>
 *
 * <p>A failure of the compensation does not hide the first one: it is added to it as suppressed.
 */
public final class UndoOnFailure {
    /** The part of a step's action to guard. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private UndoOnFailure() {
    }

    /**
     * Runs {@code action}; if it throws, runs {@code undo} with {@code ctx} (a failure of the undo
     * is suppressed into the first) and rethrows the action's exception.
     *
     * @throws NullPointerException naming the parameter when one is null
     */
    public static void run(Action action, Compensation undo, StepContext ctx) throws Exception {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(undo, "undo");
        Objects.requireNonNull(ctx, "ctx");
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
