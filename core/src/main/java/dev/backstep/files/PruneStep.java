package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ReleaseOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deletes old release directories. Releases are counted in deploy order, as the deploy log
 * ({@code releases/.releases_log}, written by {@link DeployStep}) lists them, so SHA- or date-named
 * releases are ordered right; directories the log does not name (a stray {@code new} or
 * {@code tmp}, releases made by another tool or before the log existed) are neither counted nor
 * deleted. It keeps the {@code n} most recently deployed releases and, whatever their age: the
 * current release, the release marked good, the versions given to {@link #protect}, and the
 * release each of the newest {@code max(1, n - 1)} runs that switched {@code current} would switch
 * back to. In a linear history that is exactly {@code n} releases, like Capistrano's
 * {@code keep_releases}: the newest and the {@code n - 1} it can step back through with
 * {@code runner.rollback(runId)}, newest run first. {@code keep(1)} still keeps the release the
 * last run would switch back to: a deploy that could not be rolled back is never what it asked for.
 *
 * <p>Rollback marks of older runs expire: this step forgets them, and the releases they named
 * become ordinary old releases. A later {@code runner.rollback(runId)} of such a run is then
 * refused up front when its release is gone (see {@link dev.backstep.Compensation#precheck}). So
 * after a prune at most {@code max(1, n - 1)} marks remain, whether or not runs were marked good.
 *
 * <p>A linked release loses its link only, never what it points to. Nothing is recorded per
 * release (a prune of thousands of releases records nothing that grows with them); the step's
 * summary names how many were deleted. Pruning is not undone: nothing it deletes is needed by a
 * rollback that can still run. Built by {@link Release#keep}.
 *
 * <pre>{@code
 * Step prune = Release.in(base).keep(5).protect("1.0.0-lts");
 * }</pre>
 *
 * <p>Immutable.
 */
public final class PruneStep extends ReleaseLayoutStep {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.prune";

    private final int keep;
    private final Set<String> protectedVersions;
    private final int keepFailed;

    private PruneStep(String name, Path base, int keep, Set<String> protectedVersions, int keepFailed) {
        super(name, TYPE, base);
        this.keep = keep;
        this.protectedVersions = Set.copyOf(protectedVersions);
        this.keepFailed = keepFailed;
    }

    static PruneStep of(String name, Path base, int keep) {
        return new PruneStep(name, base, keep, Set.of(), keep);
    }

    /**
     * Keeps the {@code m} newest kept copies of failed releases ({@code releases/<v>.failed-<run>},
     * newest run last) and deletes older ones; by default {@code m = n}. Failed copies are never
     * counted as releases, and a live release is never deleted by this count.
     *
     * <pre>{@code
     * shop.keep(5).keepFailed(2)   // 5 deployed releases, the 2 newest failed ones for review
     * }</pre>
     *
     * @throws PlanDefinitionException when {@code m < 0}
     */
    public PruneStep keepFailed(int m) {
        if (m < 0) {
            throw new PlanDefinitionException(null, name(), "keepFailed(m) needs m >= 0, was " + m);
        }
        return new PruneStep(name(), base, keep, protectedVersions, m);
    }

    /** The kept copies of failed releases this step would delete now, oldest run first. */
    public List<String> failedCandidates() throws IOException {
        List<String> failed = ReleaseOps.failedCopies(base);
        return List.copyOf(failed.subList(0, Math.max(0, failed.size() - keepFailed)));
    }

    /** Never deletes these versions either. */
    public PruneStep protect(String... versions) {
        Set<String> next = new LinkedHashSet<>(protectedVersions);
        for (String v : versions) {
            next.add(ReleaseOps.checkVersion(name(), base, PlanDefinitionException.requireNonNull(v, null, "a version")));
        }
        return new PruneStep(name(), base, keep, next, keepFailed);
    }

    @Override
    public PruneStep withName(String newName) {
        return new PruneStep(newName, base, keep, protectedVersions, keepFailed);
    }

    /** The versions this step would delete now, oldest deploy first. */
    public List<String> candidates() throws IOException {
        List<String> order = ReleaseOps.deployOrder(base);
        Set<String> keepSet = new HashSet<>(protectedVersions);
        keepSet.addAll(order.subList(Math.max(0, order.size() - keep), order.size()));
        ReleaseOps.currentVersion(base).ifPresent(keepSet::add);
        ReleaseOps.goodVersion(base).ifPresent(keepSet::add);
        ReleaseOps.newestMarks(base, marksKept()).forEach(m -> keepSet.add(m.getValue()));
        List<String> out = new ArrayList<>();
        for (String v : order) {
            if (!keepSet.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** How many of the newest runs keep their rollback target: {@code max(1, n - 1)}. */
    private int marksKept() {
        return Math.max(1, keep - 1);
    }

    @Override
    public void execute(StepContext ctx) {
        validate(ctx);
        List<String> doomed;
        List<String> failedDoomed;
        Map<String, String> expired = new TreeMap<>();
        try {
            doomed = candidates();
            failedDoomed = failedCandidates();
            expired.putAll(ReleaseOps.pending(base));
            ReleaseOps.newestMarks(base, marksKept()).forEach(m -> expired.remove(m.getKey()));
        } catch (IOException e) {
            throw new FileStepException(name(), base, "cannot read the releases of " + base, e);
        }
        Path releases = ReleaseOps.releases(base);
        int deleted = 0;
        RuntimeException failure = null;
        try {
            for (String v : doomed) {
                ctx.throwIfCancelled();
                try {
                    ReleaseOps.deleteReleaseUnsynced(base, v);
                } catch (IOException e) {
                    throw new FileStepException(name(), releases.resolve(v), "cannot delete release " + v, e);
                }
                deleted++;
                ctx.logger().debug("pruned release {} of {}", v, base);
            }
            for (String f : failedDoomed) {
                ctx.throwIfCancelled();
                try {
                    // isFailedCopy: only a '<version>.failed-<run>' name, never a live release
                    if (ReleaseOps.isFailedCopy(f)) {
                        FileOps.deleteRecursively(releases.resolve(f));
                    }
                } catch (IOException e) {
                    throw new FileStepException(name(), releases.resolve(f), "cannot delete failed release " + f, e);
                }
                ctx.logger().debug("pruned failed release {} of {}", f, base);
            }
            if (!failedDoomed.isEmpty()) {
                FileOps.fsyncDir(releases);
                ctx.summary("deleted " + failedDoomed.size() + " kept failed release(s)");
            }
        } catch (IOException e) {
            failure = new FileStepException(name(), releases, "cannot sync " + releases, e);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            finish(ctx, doomed, deleted, expired); // also after a failure: what was deleted leaves the log
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Syncs the deletions once, drops deleted releases from the log, forgets expired marks. */
    private void finish(StepContext ctx, List<String> doomed, int deleted, Map<String, String> expired) {
        Path releases = ReleaseOps.releases(base);
        try {
            if (deleted > 0) {
                FileOps.fsyncDir(releases);
                Set<String> gone = new HashSet<>(doomed.subList(0, deleted));
                Set<String> present = new HashSet<>(ReleaseOps.versions(base));
                ReleaseOps.writeLog(base, ReleaseOps.readLog(base).stream()
                        .filter(e -> !gone.contains(e.version()) || present.contains(e.version())).toList());
            }
            for (String run : expired.keySet()) {
                Files.deleteIfExists(ReleaseOps.pendingDir(base).resolve(run));
            }
            if (!expired.isEmpty()) {
                FileOps.fsyncDir(ReleaseOps.pendingDir(base));
            }
        } catch (IOException e) {
            throw new FileStepException(name(), releases, "cannot update the deploy log and marks of " + base, e);
        }
        if (deleted > 0 || !expired.isEmpty()) {
            String names = String.join(", ", doomed.subList(0, Math.min(deleted, 10)))
                    + (deleted > 10 ? ", … (" + (deleted - 10) + " more)" : "");
            ctx.summary("deleted " + deleted + " release(s)" + (deleted > 0 ? ": " + names : "")
                    + (expired.isEmpty() ? "" : "; forgot the rollback marks of " + expired.size() + " older run(s)"));
            ctx.logger().info("pruned {} release(s) of {}, forgot {} expired rollback mark(s)", deleted, base,
                    expired.size());
        }
    }

    @Override
    public Compensation compensation() {
        return ReleaseOps.NOTHING_TO_UNDO;
    }

    @Override
    public String describe() {
        return "delete releases of " + base + " beyond the newest " + keep
                + " in deploy order (never the current or good release, nor the rollback target of the last "
                + marksKept() + " run(s)" + (protectedVersions.isEmpty() ? ""
                : ", nor " + String.join(", ", protectedVersions.stream().sorted().toList())) + "); undo: none needed";
    }

    @Override
    public String preview(StepContext ctx) throws IOException {
        validate(ctx);
        List<String> c = candidates();
        return c.isEmpty() ? "no release to delete" : "would delete " + String.join(", ", c);
    }
}
