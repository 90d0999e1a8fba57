package dev.backstep;

import dev.backstep.internal.RehearsalMatrixReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Runner#rehearse(Plan, RehearsalOptions)}: the plan was run once per
 * failure point with a forced failure right after that point (a stage: a step or a parallel
 * group), rolled back, and every resource's {@link Fingerprint} compared with the state before.
 * A matrix failure point × resource: equal, or differs with the differing facts.
 *
 * <pre>{@code
 * RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());
 * System.out.println(m.toText());
 * //   #  failure point               R1 R2 R3  rollback
 * //   1  after 'replace nginx.conf'  =  =  =   ROLLED_BACK
 * //   2  after 'edit .env'           =  =  =   ROLLED_BACK
 * //   3  after 'rotate app.key'      =  =  ≠   ROLLED_BACK
 * //        R3 file:/srv/shop/app.key: mode rw-r----- -> rw-------
 * Files.writeString(Path.of("target/rehearsal.json"), m.toJson());
 * }</pre>
 *
 * <p>Once a point is not restored exactly, the resources are no longer as they were before, so
 * the later points are not rehearsed ({@link Point#rehearsed()} is false) and the plan is not
 * applied again. Immutable.
 *
 * @param planName the plan rehearsed
 * @param before the fingerprints before the rehearsal, one per resource
 * @param points one per stage of the plan, in plan order
 * @param cleanRun the run that applied the plan after every point was restored exactly
 * @param notFingerprinted steps (not verifications) that describe no fingerprint: rolled back, not compared
 */
public record RehearsalMatrix(String planName, List<Fingerprint> before, List<Point> points,
                              Optional<RunResult> cleanRun, List<String> notFingerprinted) {

    public RehearsalMatrix {
        Objects.requireNonNull(planName, "planName");
        before = List.copyOf(before);
        points = List.copyOf(points);
        Objects.requireNonNull(cleanRun, "cleanRun");
        notFingerprinted = List.copyOf(notFingerprinted);
    }

    /** How one resource came out of one failure point. */
    public enum Cell {
        /** Every fact as before. */
        EQUAL,
        /** Some fact differs (or the resource could not be described). */
        DIFFERS,
        /** The point was not rehearsed. */
        NOT_RUN
    }

    /**
     * One failure point.
     *
     * @param number 1-based
     * @param after the steps of the stage after which the failure was forced
     * @param run the run with the forced failure, rolled back; empty when not rehearsed
     * @param afterRollback the fingerprints after that rollback
     * @param differences every differing fact ({@code resource: fact old -> new}) and every step that
     *     could not describe its resources after the rollback
     * @param notRehearsedBecause why the point was skipped, when it was
     */
    public record Point(int number, List<String> after, Optional<RunResult> run, List<Fingerprint> afterRollback,
                        List<String> differences, Optional<String> notRehearsedBecause) {
        public Point {
            after = List.copyOf(after);
            Objects.requireNonNull(run, "run");
            afterRollback = List.copyOf(afterRollback);
            differences = List.copyOf(differences);
            Objects.requireNonNull(notRehearsedBecause, "notRehearsedBecause");
        }

        public boolean rehearsed() {
            return run.isPresent();
        }

        /** The forced failure (not a step of the plan) started the rollback. */
        public boolean failedWhereForced() {
            return run.flatMap(RunResult::failedStep).equals(Optional.of(Rehearsal.FORCED_ROLLBACK_STEP));
        }

        /** Rehearsed, failed where forced, rolled back, and nothing differs. */
        public boolean restoredExactly() {
            return failedWhereForced() && run.get().status() == RunStatus.ROLLED_BACK && differences.isEmpty();
        }

        /** {@code after 'a'} or {@code after 'a' + 'b'} for a parallel group. */
        public String label() {
            return "after '" + String.join("' + '", after) + "'";
        }

        /** How {@code resource} came out of this point. */
        public Cell cell(String resource) {
            if (!rehearsed()) {
                return Cell.NOT_RUN;
            }
            return differencesOf(resource).isEmpty() ? Cell.EQUAL : Cell.DIFFERS;
        }

        /** The differing facts of {@code resource} at this point. */
        public List<String> differencesOf(String resource) {
            return differences.stream().filter(d -> d.startsWith(resource + ": ")).toList();
        }
    }

    /** Every resource compared, in order of first appearance. */
    public List<String> resources() {
        List<String> out = new ArrayList<>();
        before.forEach(f -> out.add(f.resource()));
        for (Point p : points) {
            p.afterRollback().forEach(f -> {
                if (!out.contains(f.resource())) {
                    out.add(f.resource());
                }
            });
        }
        return List.copyOf(out);
    }

    /** True when every point was rehearsed and restored exactly. */
    public boolean restoredExactlyAtEveryPoint() {
        return !points.isEmpty() && points.stream().allMatch(Point::restoredExactly);
    }

    /** The first point not restored exactly, if any. */
    public Optional<Point> firstNotRestored() {
        return points.stream().filter(p -> !p.restoredExactly()).findFirst();
    }

    /** The points whose rollback was rehearsed and did not restore exactly. */
    public List<Point> pointsNotRestored() {
        return points.stream().filter(p -> p.rehearsed() && !p.restoredExactly()).toList();
    }

    /** A text matrix: one line per point, one column per resource, then the differences. */
    public String toText() {
        return RehearsalMatrixReport.text(this);
    }

    /** The matrix as JSON: resources, points with a cell per resource, the clean run. */
    public String toJson() {
        return RehearsalMatrixReport.json(this);
    }

    /**
     * A self-contained HTML page: the report of the first point not restored (or of the last point)
     * with the matrix.
     */
    public String toHtml() {
        return RehearsalMatrixReport.html(this);
    }

    @Override
    public String toString() {
        return toText();
    }
}
