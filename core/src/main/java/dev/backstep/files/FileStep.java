package dev.backstep.files;

import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.files.internal.FileFingerprints;
import dev.backstep.spi.AbstractStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What the steps about one file share: the file, and its fingerprint. */
abstract class FileStep extends AbstractStep {
    final Path path;

    FileStep(String name, String type, Path path) {
        super(name, type);
        this.path = path;
    }

    /** The file this step works on. */
    public Path path() {
        return path;
    }

    /**
     * The file as it is now: existence, link target, size, sha256, mode, owner and stray temp files.
     */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
        return List.of(FileFingerprints.file(path));
    }
}
