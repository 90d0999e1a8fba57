package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ReleaseOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
public final class MarkGoodStep extends ReleaseLayoutStep {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.markGood";

    private final String version;

    private MarkGoodStep(String name, Path base, String version) {
        super(name, TYPE, base);
        this.version = version;
    }

    static MarkGoodStep of(String name, Path base, String version) {
        return new MarkGoodStep(name, base, version);
    }

    @Override
    public MarkGoodStep withName(String newName) {
        return new MarkGoodStep(newName, base, version);
    }

    /**
     * Checks the release exists only now: it usually comes from a deploy earlier in the same plan,
     * so {@link #validate} (which the runner calls for every step before the first one runs) checks
     * the layout only.
     *
     * @throws StepValidationException when the release does not exist (nothing is changed)
     */
    @Override
    public void execute(StepContext ctx) {
        validate(ctx);
        ReleaseOps.checkReleaseExists(name(), base, version);
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
            throw new FileStepException(name(), marker, "cannot mark release " + version + " good", e);
        }
    }

    @Override
    public Compensation compensation() {
        return ReleaseOps.UNDO_MARK_GOOD;
    }

    @Override
    public String describe() {
        return "mark release " + version + " of " + base + " good; undo: restore the previous mark";
    }
}
