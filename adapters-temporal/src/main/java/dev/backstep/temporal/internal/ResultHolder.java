package dev.backstep.temporal.internal;

/** Holds a workflow's result for {@link ResultQuery#result()} once the workflow has one. Not API. */
abstract class ResultHolder<R> implements ResultQuery<R> {
    /** Set by the workflow method before it returns (and before a cancelled one ends). */
    R result;

    @Override
    public final R result() {
        return result;
    }
}
