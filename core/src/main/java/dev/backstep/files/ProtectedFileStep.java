package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.files.internal.EnvDocument;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.ProtectedWrite;
import dev.backstep.files.internal.TargetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What replace, edit and restore share: the mode and base directory options, the checked target,
 * the {@link ProtectedWrite} of the new bytes and its compensation.
 *
 * @param <S> the step class, which every option returns
 */
abstract class ProtectedFileStep<S extends ProtectedFileStep<S>> extends FileStep {
    final String mode;
    final Path base;
    final FaultHook hook;

    ProtectedFileStep(String name, String type, Path path, String mode, Path base, FaultHook hook) {
        super(name, type, path);
        this.mode = mode;
        this.base = base;
        this.hook = hook;
    }

    /** This step with another name, mode, base directory or fault hook, and everything else kept. */
    abstract S copy(String name, String mode, Path base, FaultHook hook);

    /**
     * The mode of the written file, octal ({@code "0640"}). Default: the mode the file had; for a
     * new file {@code 0600}, or the source file's mode when replacing from a file.
     *
     * @throws PlanDefinitionException when {@code octal} is not an octal mode
     */
    public S mode(String octal) {
        return copy(name(), ConfigFile.checkMode(name(), octal), base, hook);
    }

    /**
     * Refuses to write outside {@code baseDir}: the path, and where its links lead, must stay
     * inside it.
     *
     * @throws PathEscapeException when the path is already outside
     */
    public S within(Path baseDir) {
        return copy(name(), mode, ConfigFile.checkWithin(name(), path, baseDir), hook);
    }

    /** This step under another name. */
    @Override
    public S withName(String newName) {
        return copy(newName, mode, base, hook);
    }

    /** For tests: a hook called inside the atomic write. */
    S withFaultHook(FaultHook h) {
        return copy(name(), mode, base, h);
    }

    /** The real file to write, checked to be replaceable (and to exist when {@code mustExist}). */
    Path target(boolean mustExist) {
        return TargetFiles.checkReplaceable(name(), path, base, mustExist);
    }

    /** The bytes of {@code target} now, none when it does not exist. */
    byte[] current(Path target) {
        return Files.exists(target) ? TargetFiles.read(name(), target, "file") : new byte[0];
    }

    /** Backs up {@code target}, records how to undo, and writes {@code data} atomically. */
    void write(StepContext ctx, Path target, byte[] data, String newFileMode) {
        ProtectedWrite.Original original = ProtectedWrite.capture(ctx, target);
        ProtectedWrite.write(ctx, original, data, mode, newFileMode, hook);
    }

    /** The masked diff of the keys of the key-value file {@code target} from {@code before} to {@code after}. */
    static EnvDiff envDiff(Path target, byte[] before, byte[] after, Set<String> secretKeys,
                           Set<String> secretValues) {
        EnvDocument.Syntax syntax = EnvDocument.syntaxFor(target);
        return EnvDiff.of(EnvDocument.parse(before, syntax).values(), EnvDocument.parse(after, syntax).values(),
                secretKeys, secretValues);
    }

    @Override
    public Compensation compensation() {
        return ProtectedWrite.RESTORE_ORIGINAL;
    }
}
