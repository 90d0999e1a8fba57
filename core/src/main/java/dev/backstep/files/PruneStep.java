package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.files.internal.ReleaseOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Deletes old release directories. It keeps the {@code n} newest releases by version order and,
 * whatever their age: the current release, the release marked good, every pending rollback target
 * (the release a deploy or switch of a not-yet-finished run would return to) and the versions given
 * to {@link #protect}. A linked release loses its link only, never what it points to. Deleted
 * releases are recorded under {@code pruned}; pruning is not undone (nothing it deletes is needed
 * by a rollback). Built by {@link Release#keep}.
 *
 * <pre>{@code
 * Step prune = Release.in(base).keep(5).protect("1.0.0-lts");
 * }</pre>
 *
 * <p>Immutable.
 */
public final class PruneStep implements Step {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.prune";

    private final String name;
    private final Path base;
    private final int keep;
    private final Set<String> protectedVersions;

    private PruneStep(String name, Path base, int keep, Set<String> protectedVersions) {
        this.name = name;
        this.base = base;
        this.keep = keep;
        this.protectedVersions = Set.copyOf(protectedVersions);
    }

    static PruneStep of(String name, Path base, int keep) {
        return new PruneStep(name, base, keep, Set.of());
    }

    /** Never deletes these versions either. */
    public PruneStep protect(String... versions) {
        Set<String> next = new LinkedHashSet<>(protectedVersions);
        for (String v : versions) {
            next.add(ReleaseOps.checkVersion(name, base, Objects.requireNonNull(v, "version")));
        }
        return new PruneStep(name, base, keep, next);
    }

    public PruneStep named(String newName) {
        return new PruneStep(ConfigFile.checkName(newName), base, keep, protectedVersions);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The versions this step would delete now. */
    public List<String> candidates() throws IOException {
        List<String> versions = ReleaseOps.versions(base);
        Set<String> keepSet = new LinkedHashSet<>(protectedVersions);
        keepSet.addAll(versions.subList(Math.max(0, versions.size() - keep), versions.size()));
        ReleaseOps.currentVersion(base).ifPresent(keepSet::add);
        ReleaseOps.goodVersion(base).ifPresent(keepSet::add);
        keepSet.addAll(ReleaseOps.pending(base).values());
        List<String> out = new ArrayList<>();
        for (String v : versions) {
            if (!keepSet.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    @Override
    public void validate(StepContext ctx) {
        ReleaseOps.checkLayout(name, base);
    }

    @Override
    public void execute(StepContext ctx) {
        ReleaseOps.checkLayout(name, base);
        List<String> doomed;
        try {
            doomed = candidates();
        } catch (IOException e) {
            throw new FileStepException(name, base, "cannot read the releases of " + base, e);
        }
        ctx.record(ReleaseOps.PRUNED, String.join(",", doomed));
        for (String v : doomed) {
            ctx.throwIfCancelled();
            try {
                ReleaseOps.deleteRelease(base, v);
            } catch (IOException e) {
                throw new FileStepException(name, ReleaseOps.releases(base).resolve(v), "cannot delete release " + v, e);
            }
            ctx.logger().info("pruned release {} of {}", v, base);
        }
    }

    /**
     * The release layout as it is now: {@code current}, every release with a hash of its tree, the
     * release marked good, pending rollback targets.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
        return List.of(FileFingerprints.releases(base));
    }

    @Override
    public Compensation compensation() {
        return ReleaseOps.NOTHING_TO_UNDO;
    }

    @Override
    public String describe() {
        return "delete releases of " + base + " beyond the newest " + keep
                + " (never the current, good or pending-rollback release" + (protectedVersions.isEmpty() ? ""
                : ", nor " + String.join(", ", protectedVersions.stream().sorted().toList())) + "); undo: none needed";
    }

    @Override
    public String preview(StepContext ctx) throws IOException {
        validate(ctx);
        List<String> c = candidates();
        return c.isEmpty() ? "no release to delete" : "would delete " + String.join(", ", c);
    }

    @Override
    public String toString() {
        return "PruneStep[" + name + "]";
    }
}
