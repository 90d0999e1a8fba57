package dev.backstep;

import java.util.Optional;

/**
 * A run did not start: its target has an unfinished run (its process died, or it was
 * interrupted) that could not be recovered first. {@link Runner#run} always finishes such a run
 * (compensates it, journaled) before its own first step; when that recovery is refused (a step
 * whose compensation is unknown to this runner) or does not fully succeed, this is thrown and
 * nothing of the new plan has run.
 *
 * <pre>{@code
 * try {
 *     runner.run(plan);
 * } catch (UnfinishedRunException e) {
 *     System.err.println("finish run " + e.unfinishedRun() + " first: " + e.getMessage());
 *     runner.recover(oldPlan);
 * }
 * }</pre>
 */
public class UnfinishedRunException extends BackstepException {
    private static final long serialVersionUID = 1L;
    private final RunId unfinishedRun;
    private final String target;
    private final transient RunResult recovery;

    /**
     * @param unfinishedRun the run that was left unfinished
     * @param target its target
     * @param message what went wrong
     * @param recovery the attempt to recover it, when one was made
     */
    public UnfinishedRunException(RunId unfinishedRun, String target, String message, RunResult recovery) {
        super(message, recovery == null ? null : recovery.failure().orElse(null));
        this.unfinishedRun = unfinishedRun;
        this.target = target;
        this.recovery = recovery;
    }

    /** The unfinished run that blocks the target. */
    public RunId unfinishedRun() {
        return unfinishedRun;
    }

    /** The target. */
    public String target() {
        return target;
    }

    /** The attempt to recover the unfinished run, when one was made (then it did not roll back). */
    public Optional<RunResult> recovery() {
        return Optional.ofNullable(recovery);
    }
}
