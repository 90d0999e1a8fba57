package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.files.internal.EnvDocument;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.TargetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

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
public final class ReplaceStep extends ProtectedFileStep<ReplaceStep> {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "files.replace";

    private final byte[] content;
    private final Path source;

    private ReplaceStep(String name, Path path, byte[] content, Path source, String mode, Path base, FaultHook hook) {
        super(name, TYPE, path, mode, base, hook);
        this.content = content;
        this.source = source;
    }

    static ReplaceStep of(Path path, byte[] content, Path source) {
        Path p = TargetFiles.normalize(PlanDefinitionException.requireNonNull(path, null, "the path"));
        return new ReplaceStep("replace " + p, p, content, source == null ? null : TargetFiles.normalize(source),
                null, null, FaultHook.NONE);
    }

    @Override
    ReplaceStep copy(String name, String mode, Path base, FaultHook hook) {
        return new ReplaceStep(name, path, content, source, mode, base, hook);
    }

    @Override
    public void validate(StepContext ctx) {
        target(false);
        if (source != null) {
            TargetFiles.checkReadableFile(name(), source, "source");
        }
    }

    @Override
    public void execute(StepContext ctx) throws IOException {
        Path target = target(false);
        byte[] data;
        String newFileMode = FileOps.PRIVATE_FILE;
        if (source != null) {
            TargetFiles.checkReadableFile(name(), source, "source");
            data = TargetFiles.read(name(), source, "source");
            newFileMode = FileOps.modeOf(source);
        } else {
            data = content.clone();
        }
        write(ctx, target, data, newFileMode);
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
        Path target = target(false);
        byte[] next = source != null ? TargetFiles.read(name(), source, "source") : content;
        boolean exists = Files.exists(target);
        byte[] current = current(target);
        String header = (exists ? "replace " : "create ") + target;
        if (EnvDocument.isKeyValueFile(target)) {
            return header + ":\n" + envDiff(target, current, next, Set.of(), Set.of()).toText();
        }
        String before = exists ? current.length + " bytes, sha256 " + FileOps.sha256(current).substring(0, 12)
                + ", mode " + FileOps.modeOf(target) : "absent";
        String newMode = mode != null ? mode : exists ? FileOps.modeOf(target)
                : source != null ? FileOps.modeOf(source) : FileOps.PRIVATE_FILE;
        return header + ": " + before + " -> " + next.length + " bytes, sha256 "
                + FileOps.sha256(next).substring(0, 12) + ", mode " + newMode;
    }
}
