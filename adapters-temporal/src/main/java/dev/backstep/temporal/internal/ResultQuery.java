package dev.backstep.temporal.internal;

import io.temporal.workflow.QueryMethod;

/**
 * A Backstep workflow's result, which its starter reads by the query {@code BackstepResult} (see
 * {@code BackstepWorkflows}). Not API.
 */
public interface ResultQuery<R> {
    /** The result once the workflow has one: a cancelled workflow ends CANCELED but still rolled back. */
    @QueryMethod(name = "BackstepResult")
    R result();
}
