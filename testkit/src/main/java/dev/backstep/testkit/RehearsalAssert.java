package dev.backstep.testkit;

import dev.backstep.Rehearsal;
import dev.backstep.RunStatus;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Rehearsal}. Failure messages include the rehearsal's text (and so every
 * difference found).
 *
 * <pre>{@code
 * assertThat(runner.rehearse(plan)).restoredExactly().reapplied();
 * assertThat(runner.rehearse(sloppyPlan)).notRestoredExactly().hasDifference("file:/srv/shop/.env: mode");
 * }</pre>
 */
public class RehearsalAssert extends AbstractAssert<RehearsalAssert, Rehearsal> {

    public RehearsalAssert(Rehearsal actual) {
        super(actual, RehearsalAssert.class);
    }

    /** Every step ran, the rollback ended ROLLED_BACK and no fingerprint differs. */
    public RehearsalAssert restoredExactly() {
        isNotNull();
        if (!actual.restoredExactly()) {
            failWithMessage("Expected the rollback to restore exactly what was there but it did not:%n%s",
                    actual.toText());
        }
        return this;
    }

    /** The rehearsal found a difference or its rollback did not complete. */
    public RehearsalAssert notRestoredExactly() {
        isNotNull();
        if (actual.restoredExactly()) {
            failWithMessage("Expected the rehearsal to find a difference but the rollback restored everything:%n%s",
                    actual.toText());
        }
        return this;
    }

    /**
     * Some difference contains {@code text}, e.g. {@code "file:/srv/shop/.env: mode rw-r----- -> rw-------"}
     * or just {@code "file:/srv/shop/.env: mode"}.
     */
    public RehearsalAssert hasDifference(String text) {
        isNotNull();
        if (actual.differences().stream().noneMatch(d -> d.contains(text))) {
            failWithMessage("Expected a difference containing <%s> but the differences were <%s>%n%s", text,
                    actual.differences(), actual.toText());
        }
        return this;
    }

    /** The plan was applied again after its rollback, and that run succeeded. */
    public RehearsalAssert reapplied() {
        isNotNull();
        if (!actual.reapplied()) {
            failWithMessage("Expected the plan to be applied again successfully but the second run was <%s>%n%s",
                    actual.secondRun().map(r -> r.status().toString()).orElse("not run"), actual.toText());
        }
        return this;
    }

    /** The plan was not applied a second time (the rollback was not exact). */
    public RehearsalAssert notReapplied() {
        isNotNull();
        if (actual.secondRun().isPresent()) {
            failWithMessage("Expected no second run but it ran and ended <%s>%n%s", actual.secondRun().get().status(),
                    actual.toText());
        }
        return this;
    }

    /** The forced rollback run ended with this status. */
    public RehearsalAssert rollbackEnded(RunStatus expected) {
        isNotNull();
        if (actual.rollbackRun().status() != expected) {
            failWithMessage("Expected the rehearsal's rollback run to end <%s> but it ended <%s>%n%s", expected,
                    actual.rollbackRun().status(), actual.toText());
        }
        return this;
    }
}
