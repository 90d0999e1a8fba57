package dev.backstep;

import dev.backstep.spi.LockHolder;
import java.util.Objects;

/**
 * The run lost the lock on its target while it was running (its JDBC lock row was deleted or
 * taken over, its lock file removed or replaced): another run may have started on the target, so
 * this one stopped before its next step or compensation. The run ends
 * {@link RunStatus#INTERRUPTED}; {@link Runner#recover} finishes it once the target's lock can
 * be taken again.
 *
 * <pre>{@code
 * RunResult r = runner.run(plan);
 * if (r.failure().map(f -> f.getCause() instanceof LockLostException).orElse(false)) {
 *     // another host may be deploying this target: find out, then runner.recover()
 * }
 * }</pre>
 */
public class LockLostException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final transient LockHolder holder;

    /**
     * @param holder this run's hold on the lock, as acquired
     * @param when where the run noticed, e.g. {@code before step 'migrate'}
     */
    public LockLostException(LockHolder holder, String when) {
        super("lost the lock on target '" + Objects.requireNonNull(holder, "holder").target() + "' held by "
                + holder.describe() + " (noticed " + when + "): another run may have taken the target;"
                + " this run stopped and is left INTERRUPTED for recover()");
        this.holder = holder;
    }

    /** The target whose lock was lost. */
    public String target() {
        return holder.target();
    }

    /** This run's hold on the lock, as it was acquired. */
    public LockHolder holder() {
        return holder;
    }
}
