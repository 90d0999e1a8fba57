package dev.backstep.files;

import dev.backstep.Backstep;
import dev.backstep.Runner;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release {@code shop} in a fresh directory, run by the real engine with a directory journal;
 * {@link #build} makes a build whose {@code index.php} is its version.
 */
abstract class ReleaseFixture {
    @TempDir
    Path tmp;
    Path base;
    Release shop;
    Journal journal;
    Runner runner;

    @BeforeEach
    void setUpRelease() throws IOException {
        base = Files.createDirectories(tmp.resolve("shop"));
        shop = Release.in(base);
        journal = Journal.directory(tmp.resolve("journal"));
        runner = Backstep.runner().journal(journal).stateDir(tmp.resolve("state")).build();
    }

    @AfterEach
    void closeJournal() throws Exception {
        journal.close();
    }

    Path build(String version) throws IOException {
        Path b = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(b.resolve("index.php"), version);
        return b;
    }
}
