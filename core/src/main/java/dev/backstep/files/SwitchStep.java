package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.files.internal.ReleaseOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
public final class SwitchStep implements Step {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.switch";

    private final String name;
    private final Path base;
    private final String version;
    private final FaultHook hook;

    private SwitchStep(String name, Path base, String version, FaultHook hook) {
        this.name = name;
        this.base = base;
        this.version = version;
        this.hook = hook;
    }

    static SwitchStep of(String name, Path base, String version) {
        return new SwitchStep(name, base, version, FaultHook.NONE);
    }

    @Override
    public SwitchStep withName(String newName) {
        return new SwitchStep(ConfigFile.checkName(newName), base, version, hook);
    }

    SwitchStep withFaultHook(FaultHook h) {
        return new SwitchStep(name, base, version, h);
    }

    /** The target version, empty for {@link Release#rollbackToLastGood()}. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    private String target() {
        if (version != null) {
            return version;
        }
        try {
            return ReleaseOps.goodVersion(base).orElseThrow(() -> new StepValidationException(name,
                    "no release is marked good in " + base));
        } catch (IOException e) {
            throw new StepValidationException(name, "cannot read " + ReleaseOps.goodMarker(base) + ": " + e, e);
        }
    }

    @Override
    public void validate(StepContext ctx) {
        ReleaseOps.checkLayout(name, base);
        ReleaseOps.checkReleaseExists(name, base, target());
    }

    @Override
    public void execute(StepContext ctx) {
        ReleaseOps.checkLayout(name, base);
        String v = ctx.recorded(ReleaseOps.VERSION_KEY).orElseGet(this::target);
        ReleaseOps.checkReleaseExists(name, base, v);
        try {
            ReleaseOps.capturePrevious(ctx, base, v);
            ReleaseOps.switchTo(ctx, base, v, hook);
        } catch (IOException e) {
            throw new FileStepException(name, ReleaseOps.current(base), "cannot switch " + ReleaseOps.current(base)
                    + " to release " + v, e);
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
        Optional<String> now = ReleaseOps.readCurrent(base);
        return "current: " + (now.isEmpty() ? "(no current release)"
                : ReleaseOps.versionOf(base, now.get()).orElse(now.get())) + " -> " + target();
    }

    @Override
    public String toString() {
        return "SwitchStep[" + name + "]";
    }
}
