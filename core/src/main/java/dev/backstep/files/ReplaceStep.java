package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.files.internal.EnvDocument;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ProtectedWrite;
import dev.backstep.files.internal.TargetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Replaces a file's content atomically, keeping an owner-only backup of what was there. Built by
 * {@link ConfigFile#replace(Path, String)}; see there. Immutable: every option returns a new step.
 *
 * <pre>{@code
 * Step s = ConfigFile.replace(Path.of("/srv/shop/.env"), newEnv)
 *     .within(Path.of("/srv/shop"))   // refuse paths (and links) that lead outside
 *     .mode("0640");                  // default: keep the current mode (0600 for a new file)
 * }</pre>
 */
public final class ReplaceStep implements Step {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "files.replace";

    private final String name;
    private final Path path;
    private final byte[] content;
    private final Path source;
    private final String mode;
    private final Path base;
    private final FaultHook hook;

    ReplaceStep(String name, Path path, byte[] content, Path source, String mode, Path base, FaultHook hook) {
        this.name = name;
        this.path = path;
        this.content = content;
        this.source = source;
        this.mode = mode;
        this.base = base;
        this.hook = hook;
    }

    static ReplaceStep of(Path path, byte[] content, Path source) {
        Path p = TargetFiles.normalize(PlanDefinitionException.requireNonNull(path, null, "the path"));
        return new ReplaceStep("replace " + p, p, content, source == null ? null : TargetFiles.normalize(source),
                null, null, FaultHook.NONE);
    }

    /**
     * The mode of the written file, octal ({@code "0640"}). Default: the mode the file had, or
     * the source file's mode when replacing from a file that did not exist, or {@code 0600}.
     *
     * @throws PlanDefinitionException when {@code octal} is not an octal mode
     */
    public ReplaceStep mode(String octal) {
        return new ReplaceStep(name, path, content, source, ConfigFile.checkMode(name, octal), base, hook);
    }

    /**
     * Refuses to write outside {@code baseDir}: the path, and where its links lead, must stay
     * inside it.
     *
     * @throws PathEscapeException when the path is already outside
     */
    public ReplaceStep within(Path baseDir) {
        return new ReplaceStep(name, path, content, source, mode, ConfigFile.checkWithin(name, path, baseDir), hook);
    }

    /** This step under another name. */
    @Override
    public ReplaceStep withName(String newName) {
        return new ReplaceStep(ConfigFile.checkName(newName), path, content, source, mode, base, hook);
    }

    /** For tests: a hook called inside the atomic write. */
    ReplaceStep withFaultHook(FaultHook h) {
        return new ReplaceStep(name, path, content, source, mode, base, h);
    }

    /** The file this step writes. */
    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void validate(StepContext ctx) {
        TargetFiles.checkReplaceable(name, path, base, false);
        if (source != null) {
            TargetFiles.checkReadableFile(name, source, "source");
        }
    }

    @Override
    public void execute(StepContext ctx) throws IOException {
        Path target = TargetFiles.checkReplaceable(name, path, base, false);
        byte[] data;
        String newFileMode = FileOps.PRIVATE_FILE;
        if (source != null) {
            TargetFiles.checkReadableFile(name, source, "source");
            data = TargetFiles.read(name, source, "source");
            newFileMode = FileOps.modeOf(source);
        } else {
            data = content.clone();
        }
        ProtectedWrite.Original original = ProtectedWrite.capture(ctx, target);
        ProtectedWrite.write(ctx, original, data, mode, newFileMode, hook);
    }

    /**
     * The file as it is now: existence, link target, size, sha256, mode, owner and stray temp files.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
        return List.of(FileFingerprints.file(path));
    }

    @Override
    public Compensation compensation() {
        return ProtectedWrite.RESTORE_ORIGINAL;
    }

    @Override
    public String describe() {
        String what = source != null ? "a copy of " + source
                : content.length + " bytes (sha256 " + FileOps.sha256(content).substring(0, 12) + ")";
        return "replace " + path + " with " + what + (mode == null ? "" : ", mode " + mode)
                + "; undo: restore the backup";
    }

    /**
     * What would change: for {@code .env}/{@code .properties} files a masked {@link EnvDiff},
     * otherwise sizes, checksums and modes (never the content).
     */
    @Override
    public String preview(StepContext ctx) throws IOException {
        Path target = TargetFiles.checkReplaceable(name, path, base, false);
        byte[] next = source != null ? TargetFiles.read(name, source, "source") : content;
        boolean exists = Files.exists(target);
        byte[] current = exists ? TargetFiles.read(name, target, "file") : new byte[0];
        String header = (exists ? "replace " : "create ") + target;
        if (EnvDocument.isKeyValueFile(target)) {
            EnvDocument.Syntax syntax = EnvDocument.syntaxFor(target);
            return header + ":\n" + EnvDiff.of(EnvDocument.parse(current, syntax).values(),
                    EnvDocument.parse(next, syntax).values(), java.util.Set.of()).toText();
        }
        String before = exists ? current.length + " bytes, sha256 " + FileOps.sha256(current).substring(0, 12)
                + ", mode " + FileOps.modeOf(target) : "absent";
        String newMode = mode != null ? mode : exists ? FileOps.modeOf(target)
                : source != null ? FileOps.modeOf(source) : FileOps.PRIVATE_FILE;
        return header + ": " + before + " -> " + next.length + " bytes, sha256 "
                + FileOps.sha256(next).substring(0, 12) + ", mode " + newMode;
    }

    @Override
    public String toString() {
        return "ReplaceStep[" + name + "]";
    }
}
