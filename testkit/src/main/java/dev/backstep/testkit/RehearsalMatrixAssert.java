package dev.backstep.testkit;

import dev.backstep.RehearsalMatrix;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link RehearsalMatrix}. Failure messages include the whole matrix (and so every
 * difference found).
 *
 * <pre>{@code
 * assertThat(runner.rehearse(plan, RehearsalOptions.everyStep())).restoredExactlyAtEveryPoint();
 * assertThat(runner.rehearse(sloppyPlan, RehearsalOptions.everyStep()))
 *     .notRestoredOnlyAt(3).hasDifferenceAt(3, "file:/srv/shop/app.key: mode");
 * }</pre>
 */
public class RehearsalMatrixAssert extends AbstractAssert<RehearsalMatrixAssert, RehearsalMatrix> {

    public RehearsalMatrixAssert(RehearsalMatrix actual) {
        super(actual, RehearsalMatrixAssert.class);
    }

    /** Every failure point was rehearsed, rolled back and restored every resource exactly. */
    public RehearsalMatrixAssert restoredExactlyAtEveryPoint() {
        isNotNull();
        if (!actual.restoredExactlyAtEveryPoint()) {
            failWithMessage("Expected the rollback to restore exactly what was there at every failure point but it"
                    + " did not:%n%s", actual.toText());
        }
        return this;
    }

    /**
     * Exactly the given points (1-based) were rehearsed and not restored exactly; every other
     * rehearsed point was.
     */
    public RehearsalMatrixAssert notRestoredOnlyAt(int... points) {
        isNotNull();
        List<Integer> expected = java.util.Arrays.stream(points).boxed().toList();
        List<Integer> actualPoints = actual.pointsNotRestored().stream().map(RehearsalMatrix.Point::number).toList();
        if (!actualPoints.equals(expected)) {
            failWithMessage("Expected the points not restored to be <%s> but were <%s>%n%s", expected, actualPoints,
                    actual.toText());
        }
        return this;
    }

    /** Some difference at {@code point} (1-based) contains {@code text}. */
    public RehearsalMatrixAssert hasDifferenceAt(int point, String text) {
        isNotNull();
        if (point < 1 || point > actual.points().size()
                || actual.points().get(point - 1).differences().stream().noneMatch(d -> d.contains(text))) {
            failWithMessage("Expected a difference containing <%s> at point %s%n%s", text, point, actual.toText());
        }
        return this;
    }

    /** The plan was applied once more after every point, and that run succeeded. */
    public RehearsalMatrixAssert cleanRunSucceeded() {
        isNotNull();
        if (!actual.cleanRun().map(r -> r.succeeded()).orElse(false)) {
            failWithMessage("Expected a successful clean run but it was <%s>%n%s",
                    actual.cleanRun().map(r -> r.status().toString()).orElse("not run"), actual.toText());
        }
        return this;
    }
}
