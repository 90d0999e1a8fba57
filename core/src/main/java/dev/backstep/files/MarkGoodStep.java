package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ReleaseOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Marks a release as verified good ({@code releases/.good}, written atomically): the target of
 * {@link Release#rollbackToLastGood()}, never pruned. The run's rollback target stays marked: a
 * succeeded run can still be rolled back later with {@code runner.rollback(runId)}, so
 * {@link Release#keep} keeps the release it would switch back to (see there for when such marks
 * expire). Undo restores the previous mark. Built by {@link Release#markGood}.
 *
 * <pre>{@code
 * plan.verify(Check.http(health).status(200)).step(release.markGood("1.3.0"));
 * }</pre>
 *
 * <p>Immutable.
 */
public final class MarkGoodStep implements Step {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.markGood";

    private final String name;
    private final Path base;
    private final String version;

    private MarkGoodStep(String name, Path base, String version) {
        this.name = name;
        this.base = base;
        this.version = version;
    }

    static MarkGoodStep of(String name, Path base, String version) {
        return new MarkGoodStep(name, base, version);
    }

    @Override
    public MarkGoodStep withName(String newName) {
        return new MarkGoodStep(ConfigFile.checkName(newName), base, version);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Checks the layout only: the release usually comes from a deploy earlier in the same plan, so
     * it need not exist yet (the runner validates every step before the first one runs).
     */
    @Override
    public void validate(StepContext ctx) {
        ReleaseOps.checkLayout(name, base);
    }

    /** @throws StepValidationException when the release does not exist (nothing is changed) */
    @Override
    public void execute(StepContext ctx) {
        validate(ctx);
        ReleaseOps.checkReleaseExists(name, base, version);
        Path marker = ReleaseOps.goodMarker(base);
        try {
            if (ctx.recorded(ReleaseOps.HAD_GOOD).isEmpty()) {
                ctx.record(ReleaseOps.BASE, base.toString());
                ctx.record(ReleaseOps.VERSION_KEY, version);
                Optional<String> previous = ReleaseOps.goodVersion(base);
                if (previous.isPresent()) {
                    ctx.record(ReleaseOps.PREVIOUS_GOOD, previous.get());
                }
                ctx.record(ReleaseOps.HAD_GOOD, Boolean.toString(previous.isPresent()));
            }
            FileOps.atomicWrite(marker, (version + "\n").getBytes(StandardCharsets.UTF_8), "0644", null, null,
                    FileOps.tempSibling(marker), FaultHook.NONE);
        } catch (IOException e) {
            throw new FileStepException(name, marker, "cannot mark release " + version + " good", e);
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
        return ReleaseOps.UNDO_MARK_GOOD;
    }

    @Override
    public String describe() {
        return "mark release " + version + " of " + base + " good; undo: restore the previous mark";
    }

    @Override
    public String toString() {
        return "MarkGoodStep[" + name + "]";
    }
}
