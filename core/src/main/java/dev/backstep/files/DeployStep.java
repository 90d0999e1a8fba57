package dev.backstep.files;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.ReleaseOps;
import dev.backstep.files.internal.TargetFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Puts a release into {@code releases/<version>}, adds it to the deploy log
 * ({@code releases/.releases_log}, rewritten atomically; {@link Release#keep} counts releases in
 * its order) and switches {@code current} to it atomically. Undo switches {@code current} back to
 * the recorded previous target (or removes it when there was none), removes this run's line from
 * the log and removes the release directory only if this step created it. Built by
 * {@link Release#deploy}.
 *
 * <p>The source is copied without following links inside it; a named pipe, socket or device in it
 * is refused by {@link #validate} (a copy would block or fail), naming the file.
 *
 * <pre>{@code
 * Step copy = Release.in(base).deploy("1.3.0", buildDir);          // copies the build
 * Step link = Release.in(base).deploy("1.3.0", buildDir).link();   // links releases/1.3.0 -> buildDir
 * Step again = Release.in(base).deploy("1.3.0", buildDir).reuseExisting(); // switch to an existing 1.3.0
 * }</pre>
 *
 * <p>Immutable.
 */
public final class DeployStep extends ReleaseLayoutStep {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "release.deploy";

    private final String version;
    private final Path source;
    private final boolean link;
    private final boolean reuseExisting;
    private final FaultHook hook;

    private DeployStep(String name, Path base, String version, Path source, boolean link, boolean reuseExisting,
                       FaultHook hook) {
        super(name, TYPE, base);
        this.version = version;
        this.source = source;
        this.link = link;
        this.reuseExisting = reuseExisting;
        this.hook = hook;
    }

    static DeployStep of(String name, Path base, String version, Path source) {
        return new DeployStep(name, base, version, source, false, false, FaultHook.NONE);
    }

    /** Makes {@code releases/<version>} a symbolic link to the source instead of a copy. */
    public DeployStep link() {
        return new DeployStep(name(), base, version, source, true, reuseExisting, hook);
    }

    /**
     * Switches to {@code releases/<version>} as it is when it already exists (it is then not
     * removed on undo). Without this, an existing release directory is a validation error.
     */
    public DeployStep reuseExisting() {
        return new DeployStep(name(), base, version, source, link, true, hook);
    }

    @Override
    public DeployStep withName(String newName) {
        return new DeployStep(newName, base, version, source, link, reuseExisting, hook);
    }

    DeployStep withFaultHook(FaultHook h) {
        return new DeployStep(name(), base, version, source, link, reuseExisting, h);
    }

    public String version() {
        return version;
    }

    private Path releaseDir() {
        return ReleaseOps.releases(base).resolve(version);
    }

    @Override
    public void validate(StepContext ctx) {
        super.validate(ctx);
        checkSource(true);
        Path dir = releaseDir();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!reuseExisting) {
                throw new StepValidationException(name(), "release " + version + " already exists at " + dir
                        + ": use reuseExisting() to switch to it as it is, or rollbackTo(\"" + version + "\")");
            }
            ReleaseOps.checkReleaseExists(name(), base, version);
        }
    }

    /** @param walk also walk the tree for files a copy cannot hold (validation; the copy itself refuses them too) */
    private Path checkSource(boolean walk) {
        if (!Files.isDirectory(source)) {
            throw new StepValidationException(name(), "source " + source
                    + (Files.exists(source) ? " is not a directory" : " does not exist"));
        }
        if (!Files.isReadable(source)) {
            throw new StepValidationException(name(), "source " + source + " is not readable");
        }
        try {
            Path realSource = source.toRealPath();
            if (base.toRealPath().startsWith(realSource)) {
                throw new StepValidationException(name(), "source " + source + " contains the base directory " + base
                        + "; a release would copy itself");
            }
            if (!link && walk) {
                checkCopyable(realSource);
            }
            return realSource;
        } catch (IOException e) {
            throw new StepValidationException(name(), "cannot resolve source " + source + ": " + e, e);
        }
    }

    /**
     * Every entry of the tree is a directory, a regular file or a symbolic link: copying a named
     * pipe would block forever, a device or socket cannot be copied.
     */
    private void checkCopyable(Path realSource) throws IOException {
        Files.walkFileTree(realSource, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isOther()) {
                    throw new StepValidationException(name(), "source " + source + " holds " + file + ", which is "
                            + FileOps.kindOf(file) + ", not a regular file, directory or symbolic link; a release"
                            + " copy cannot hold it (copying a named pipe would block forever): remove it from the"
                            + " source");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                throw new StepValidationException(name(), "cannot read " + file + " in source " + source + ": " + e, e);
            }
        });
    }

    @Override
    public void execute(StepContext ctx) {
        ReleaseOps.checkLayout(name(), base);
        Path realSource = checkSource(false);
        Path dir = releaseDir();
        Path releases = ReleaseOps.releases(base);
        boolean createdEarlier = "true".equals(ctx.recorded(ReleaseOps.CREATED).orElse(null));
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !reuseExisting && !createdEarlier) {
            throw new StepValidationException(name(), "release " + version + " already exists at " + dir);
        }
        boolean created = false;
        try {
            Files.createDirectories(releases);
            ReleaseOps.capturePrevious(ctx, base, version);
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (link) {
                    ctx.record(ReleaseOps.CREATED, "true");
                    Files.createSymbolicLink(dir, realSource);
                } else {
                    Path staging = releases.resolve(".tmp-" + version + "-"
                            + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
                    ctx.record(ReleaseOps.STAGING, staging.toString());
                    FileOps.copyTree(realSource, staging);
                    hook.at("before-release-rename");
                    ctx.record(ReleaseOps.CREATED, "true");
                    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                }
                created = true;
            }
            // before the switch: a run cut off here is undone by removing its line again. Writing
            // the log syncs releases/, the new release's name in it too: one directory sync less
            if (!ReleaseOps.logDeploy(base, version, ctx.runId().value(), ctx.clock().instant()) && created) {
                FileOps.fsyncDir(releases);
            }
            ReleaseOps.switchTo(ctx, base, version, hook);
        } catch (IOException e) {
            throw new FileStepException(name(), dir, "cannot deploy release " + version + " in " + base, e);
        }
    }

    @Override
    public Compensation compensation() {
        return ReleaseOps.UNDO_SWITCH;
    }

    @Override
    public String describe() {
        return "deploy " + version + " into " + releaseDir() + " (" + (link ? "link to " : "copy of ") + source
                + ") and switch " + ReleaseOps.current(base) + " to it; undo: switch back"
                + (reuseExisting ? "" : " and remove the release");
    }

    @Override
    public String preview(StepContext ctx) throws IOException {
        validate(ctx);
        return "current: " + currentForPreview() + " -> " + version + (Files.exists(releaseDir(), LinkOption.NOFOLLOW_LINKS)
                ? " (existing release)" : " (" + (link ? "link to " : "copy of ") + source + ")");
    }
}
