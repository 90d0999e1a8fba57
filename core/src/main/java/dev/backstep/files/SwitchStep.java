package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.ReleaseOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Switches {@code current} to an existing release atomically; undo switches it back to the
 * recorded previous target. Built by {@link Release#rollbackTo} and
 * {@link Release#rollbackToLastGood}.
 *
 * <pre>{@code
 * Plan rollback = Plan.named("roll shop back")
 *     .step(Release.in(base).rollbackTo("1.2.0"))
 *     .step(Systemd.restart("php-fpm"))
 *     .build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class SwitchStep extends ReleaseLayoutStep {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.switch";

    private final String version;
    private final FaultHook hook;

    private SwitchStep(String name, Path base, String version, FaultHook hook) {
        super(name, TYPE, base);
        this.version = version;
        this.hook = hook;
    }

    static SwitchStep of(String name, Path base, String version) {
        return new SwitchStep(name, base, version, FaultHook.NONE);
    }

    @Override
    public SwitchStep withName(String newName) {
        return new SwitchStep(newName, base, version, hook);
    }

    SwitchStep withFaultHook(FaultHook h) {
        return new SwitchStep(name(), base, version, h);
    }

    /** The target version, empty for {@link Release#rollbackToLastGood()}. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    private String target() {
        if (version != null) {
            return version;
        }
        try {
            return ReleaseOps.goodVersion(base).orElseThrow(() -> new StepValidationException(name(),
                    "no release is marked good in " + base));
        } catch (IOException e) {
            throw new StepValidationException(name(), "cannot read " + ReleaseOps.goodMarker(base) + ": " + e, e);
        }
    }

    @Override
    public void validate(StepContext ctx) {
        super.validate(ctx);
        ReleaseOps.checkReleaseExists(name(), base, target());
    }

    @Override
    public void execute(StepContext ctx) {
        ReleaseOps.checkLayout(name(), base);
        String v = ctx.recorded(ReleaseOps.VERSION_KEY).orElseGet(this::target);
        ReleaseOps.checkReleaseExists(name(), base, v);
        try {
            ReleaseOps.capturePrevious(ctx, base, v);
            ReleaseOps.switchTo(ctx, base, v, hook);
        } catch (IOException e) {
            throw new FileStepException(name(), ReleaseOps.current(base), "cannot switch " + ReleaseOps.current(base)
                    + " to release " + v, e);
        }
    }

    @Override
    public Compensation compensation() {
        return ReleaseOps.UNDO_SWITCH;
    }

    @Override
    public String describe() {
        return "switch " + ReleaseOps.current(base) + " to " + (version == null ? "the release last marked good"
                : "releases/" + version) + "; undo: switch back";
    }

    @Override
    public String preview(StepContext ctx) throws IOException {
        validate(ctx);
        return "current: " + currentForPreview() + " -> " + target();
    }
}
