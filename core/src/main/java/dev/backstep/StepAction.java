package dev.backstep;

/**
 * The forward action of a step. It may {@link StepContext#record record} undo data before it
 * changes anything.
 *
 * <pre>{@code
 * StepAction a = ctx -> { ctx.record("previous", readVersion()); writeVersion("1.3.0"); };
 * }</pre>
 */
@FunctionalInterface
public interface StepAction {
    void run(StepContext ctx) throws Exception;
}
