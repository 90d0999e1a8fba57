package dev.backstep.temporal.internal;

import dev.backstep.temporal.RunRecord;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Copies finished runs into a Backstep journal on the control worker. Not API. */
@ActivityInterface
public interface JournalActivities {
    /**
     * Appends the records of a run (and of its later rollback, if not null) that the journal does
     * not hold yet.
     */
    @ActivityMethod(name = "BackstepJournalMirror")
    void mirror(RunRecord run, RunRecord rollback);
}
