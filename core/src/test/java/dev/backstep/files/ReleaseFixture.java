package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release {@code shop} in a fresh directory, run by the real engine with a directory journal;
 * {@link #build} makes a build whose {@code index.php} is its version, {@link #run} runs a plan and
 * checks how it ended.
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

    /** Runs {@code plan} and checks it ended {@code expected}, showing the report when not. */
    RunResult run(Plan plan, RunStatus expected) {
        RunResult r = runner.run(plan);
        assertThat(r.status()).as(r.report().toText()).isEqualTo(expected);
        return r;
    }

    /** Where {@code current} points. */
    Path currentLink() throws IOException {
        return Files.readSymbolicLink(base.resolve("current"));
    }

    /** The entries of {@code releases/} but the hidden ones (log, marks, staging), sorted. */
    List<String> releaseDirs() throws IOException {
        try (Stream<Path> s = Files.list(base.resolve("releases"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    Path build(String version) throws IOException {
        Path b = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(b.resolve("index.php"), version);
        return b;
    }
}
