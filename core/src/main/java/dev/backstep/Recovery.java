package dev.backstep;

import java.util.List;

/**
 * What {@link Runner#recover} did: the interrupted runs it rolled back, and the ones it left
 * alone and why (a step whose compensation cannot be resolved, a run still held by a live
 * process, a later run of the same target still applied — "needs attention": roll that run back
 * first). Nothing is guessed: a run with an unresolvable step is not touched at all.
 *
 * <pre>{@code
 * Recovery r = runner.recover();
 * r.recovered().forEach(x -> System.out.println(x.report().toText()));
 * r.unrecoverable().forEach(u -> System.err.println(u.runId() + ": " + u.reason()));
 * }</pre>
 *
 * @param recovered results of the runs rolled back, oldest first
 * @param unrecoverable runs that need a person
 */
public record Recovery(List<RunResult> recovered, List<Unrecoverable> unrecoverable) {

    public Recovery {
        recovered = List.copyOf(recovered);
        unrecoverable = List.copyOf(unrecoverable);
    }

    /** True when there was nothing to recover and nothing was left alone. */
    public boolean nothingToDo() {
        return recovered.isEmpty() && unrecoverable.isEmpty();
    }

    /**
     * An interrupted run recovery did not touch.
     *
     * @param runId the run
     * @param planName its plan
     * @param target its target
     * @param reason why it was left alone
     */
    public record Unrecoverable(RunId runId, String planName, String target, String reason) {
    }
}
