package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.files.internal.ReleaseOps;
import dev.backstep.files.internal.TargetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Capistrano/Envoyer-style release directories with an atomically switched {@code current} link:
 *
 * <pre>
 * base/
 *   current -&gt; releases/1.3.0
 *   releases/1.2.0/  releases/1.3.0/
 *   releases/.good             (the release last marked good)
 *   releases/.releases_log     (one line per deploy, oldest first: the order keep(n) counts in)
 *   releases/.pending/&lt;run&gt;   (the release each run that switched current would switch back to)
 *   releases/1.4.0.failed-&lt;run&gt;  (a release a rolled-back run created, kept owner-only for review)
 * </pre>
 *
 * <p>The switch makes a new link {@code current.tmp-…} and renames it over {@code current}, so
 * there is never a moment without {@code current}. Every step records what it needs to be undone
 * (the previous link target, whether it created the release directory) before it changes anything.
 * Versions are single directory names; anything that would leave {@code releases/} is refused with
 * a {@link PathEscapeException} before anything changes.
 *
 * <p><b>Rolling back later.</b> {@code runner.rollback(runId)} of a run that deployed or switched
 * first checks, for every switch it would undo, that the release it would switch back to still
 * exists, and refuses with a {@link dev.backstep.RollbackRefusedException} naming it before
 * changing anything; the switch's compensation checks again and fails (the run ends
 * {@code ROLLBACK_FAILED}, {@code current} untouched) rather than point {@code current} at nothing.
 * Rolling back the run that made the <em>first</em> release is refused unless
 * {@link dev.backstep.RollbackOption#FORCE} ("there are no older releases to roll back to"). A
 * <em>live</em> failure of a first deploy (its verification fails, its process dies and
 * {@code recover()} finishes it) is still undone: removing the new release and {@code current} is
 * what restores the state before the run.
 *
 * <pre>{@code
 * Release shop = Release.in(Path.of("/srv/shop"));
 * Plan plan = Plan.named("deploy shop 1.3.0")
 *     .step(shop.deploy("1.3.0", Path.of("/tmp/build/shop")))   // undo: current back to 1.2.0, 1.3.0 removed
 *     .step(ConfigFile.edit(Path.of("/srv/shop/shared/.env")).set("APP_VERSION", "1.3.0"))
 *     .verify(healthCheck)
 *     .step(shop.markGood("1.3.0"))
 *     .step(shop.keep(5))       // 5 newest deploys; never current, good, or the last 4 runs' rollback targets
 *     .build();
 * shop.list();          // [1.2.0, 1.3.0 (current, good)]
 * Step back = shop.rollbackTo("1.2.0");
 * }</pre>
 *
 * <p><b>Failed releases.</b> When a rollback undoes a deploy that created its release directory,
 * the directory is not deleted but renamed to {@code releases/<version>.failed-<run id>} (owner-only;
 * a linked release is renamed as its link, never followed) so an incident review can still read it.
 * A failed copy is not a release: {@link #list()} and {@link #keep} do not count it, and rehearsal
 * fingerprints ignore it. {@code keep(n)} deletes failed copies beyond the {@code n} newest (by run),
 * {@link PruneStep#keepFailed(int)} chooses another count; versions containing {@code .failed-}
 * are refused.
 *
 * <p>Immutable and thread-safe; it only names the base directory.
 */
public final class Release {
    private final Path base;

    private Release(Path base) {
        this.base = base;
    }

    /**
     * The release layout under {@code baseDir} (absolute and normalised; it must exist when a
     * step runs, {@code releases/} is created on the first deploy).
     */
    public static Release in(Path baseDir) {
        return new Release(TargetFiles.normalize(
                PlanDefinitionException.requireNonNull(baseDir, null, "the base directory")));
    }

    /**
     * Copies {@code source} into {@code releases/<version>} (via a hidden staging directory renamed
     * into place, so a release directory is never partial) and switches {@code current} to it.
     *
     * @throws PathEscapeException when the version is not a single directory name
     * @throws PlanDefinitionException when it has invalid characters
     */
    public DeployStep deploy(String version, Path source) {
        String name = "deploy " + version;
        ReleaseOps.checkVersion(name, base, version);
        return DeployStep.of(name, base, version,
                TargetFiles.normalize(PlanDefinitionException.requireNonNull(source, null, "the source")));
    }

    /** Switches {@code current} to an existing release; undo switches back. */
    public SwitchStep rollbackTo(String version) {
        String name = "roll back to " + version;
        ReleaseOps.checkVersion(name, base, version);
        return SwitchStep.of(name, base, version);
    }

    /** Switches {@code current} to the release last {@link #markGood marked good} when the step runs. */
    public SwitchStep rollbackToLastGood() {
        return SwitchStep.of("roll back to the last good release", base, null);
    }

    /**
     * Deletes old releases, keeping the {@code n} most recently deployed (deploy-log order; directories
     * not in the log are never counted nor deleted) and, whatever their age, the current release,
     * the release marked good, the versions passed to {@link PruneStep#protect} and the release each
     * of the newest {@code max(1, n - 1)} runs that switched {@code current} would switch back to
     * (in a linear history: exactly {@code n} releases, and {@code keep(1)} keeps the last deploy's
     * previous release too). Rollback marks of older runs expire (are forgotten); see
     * {@link PruneStep}. It also deletes the kept copies of failed releases beyond the {@code n}
     * newest ({@link PruneStep#keepFailed(int)} to keep another number).
     *
     * @throws PlanDefinitionException when {@code n < 1}
     */
    public PruneStep keep(int n) {
        String name = "keep " + n + " releases";
        if (n < 1) {
            throw new PlanDefinitionException(null, name, "keep(n) needs n >= 1, was " + n);
        }
        return PruneStep.of(name, base, n);
    }

    /**
     * Marks a release as verified good (the target of {@link #rollbackToLastGood()}, never pruned);
     * undo restores the previous mark. The run's rollback target stays marked, since the run can
     * still be rolled back.
     */
    public MarkGoodStep markGood(String version) {
        String name = "mark " + version + " good";
        ReleaseOps.checkVersion(name, base, version);
        return MarkGoodStep.of(name, base, version);
    }

    /** The base directory. */
    public Path base() {
        return base;
    }

    /**
     * Every release, in version order ({@code 1.9.0} before {@code 1.10.0}), with which is current
     * and which is good.
     *
     * @throws FileStepException when the directory cannot be read
     */
    public List<ReleaseInfo> list() {
        try {
            Optional<String> cur = ReleaseOps.currentVersion(base);
            Optional<String> good = ReleaseOps.goodVersion(base);
            List<ReleaseInfo> out = new ArrayList<>();
            for (String v : ReleaseOps.versions(base)) {
                Path p = ReleaseOps.releases(base).resolve(v);
                out.add(new ReleaseInfo(v, p, cur.equals(Optional.of(v)), good.equals(Optional.of(v)),
                        Files.isSymbolicLink(p)));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new FileStepException("", base, "cannot list releases in " + base, e);
        }
    }

    /** The version {@code current} points to; empty before the first deploy. */
    public Optional<String> current() {
        try {
            return ReleaseOps.currentVersion(base);
        } catch (IOException e) {
            throw new FileStepException("", ReleaseOps.current(base), "cannot read " + ReleaseOps.current(base), e);
        }
    }

    /** The release last marked good. */
    public Optional<String> good() {
        try {
            return ReleaseOps.goodVersion(base);
        } catch (IOException e) {
            throw new FileStepException("", ReleaseOps.goodMarker(base), "cannot read "
                    + ReleaseOps.goodMarker(base), e);
        }
    }

    /**
     * Rollback targets by run id: the release each run that switched {@code current} away from a
     * release would switch back to, until that switch is compensated or its mark expires in a
     * {@link #keep} ({@code keep(n)} keeps the marks of the newest {@code max(1, n - 1)} runs, and
     * their releases with them).
     */
    public Map<String, String> pendingRollbackTargets() {
        try {
            return Map.copyOf(ReleaseOps.pending(base));
        } catch (IOException e) {
            throw new FileStepException("", ReleaseOps.pendingDir(base), "cannot read "
                    + ReleaseOps.pendingDir(base), e);
        }
    }

    /**
     * Forgets the rollback target of a finished run, so that {@link #keep} may prune its release
     * (a later {@code runner.rollback} of that run is then refused once the release is gone).
     */
    public void clearPending(String runId) {
        java.util.Objects.requireNonNull(runId, "runId");
        Path marker = ReleaseOps.pendingDir(base).resolve(runId).normalize();
        if (!ReleaseOps.pendingDir(base).equals(marker.getParent())) {
            throw new PathEscapeException("", marker, ReleaseOps.pendingDir(base), "run id '" + runId
                    + "' is not a file name");
        }
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new FileStepException("", marker, "cannot delete " + marker, e);
        }
    }

    /**
     * The compensation of each release step type, keyed by {@link dev.backstep.Step#type()}; they
     * read only recorded values.
     */
    public static Map<String, Compensation> compensations() {
        return Map.of(DeployStep.TYPE, ReleaseOps.UNDO_SWITCH,
                SwitchStep.TYPE, ReleaseOps.UNDO_SWITCH,
                PruneStep.TYPE, ReleaseOps.NOTHING_TO_UNDO,
                MarkGoodStep.TYPE, ReleaseOps.UNDO_MARK_GOOD);
    }

    @Override
    public String toString() {
        return "Release[" + base + "]";
    }
}
