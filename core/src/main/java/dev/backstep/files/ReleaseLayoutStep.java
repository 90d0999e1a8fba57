package dev.backstep.files;

import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.files.internal.ReleaseOps;
import dev.backstep.spi.AbstractStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the release steps share: the base directory, its layout check and its fingerprint. */
abstract class ReleaseLayoutStep extends AbstractStep {
    final Path base;

    ReleaseLayoutStep(String name, String type, Path base) {
        super(name, type);
        this.base = base;
    }

    /** Checks the layout of the base directory. */
    @Override
    public void validate(StepContext ctx) {
        ReleaseOps.checkLayout(name(), base);
    }

    /**
     * The release layout as it is now: {@code current}, every release with a hash of its tree, the
     * release marked good, pending rollback targets.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
        return List.of(FileFingerprints.releases(base));
    }

    /** The version {@code current} points to now, for a preview. */
    String currentForPreview() throws IOException {
        Optional<String> now = ReleaseOps.readCurrent(base);
        return now.isEmpty() ? "(no current release)" : ReleaseOps.versionOf(base, now.get()).orElse(now.get());
    }
}
