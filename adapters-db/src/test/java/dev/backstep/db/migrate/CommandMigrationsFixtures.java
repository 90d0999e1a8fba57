package dev.backstep.db.migrate;

import dev.backstep.Backstep;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import dev.backstep.spi.StepRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Helpers shared by the alembic and artisan tests (and the examples' migration runbooks).
 *
 * <pre>{@code
 * Path app = CommandMigrationsFixtures.copyTree(resources.resolve("api"), tmp.resolve("api"));
 * }</pre>
 */
public final class CommandMigrationsFixtures {
    private CommandMigrationsFixtures() {
    }

    /** A copy of the test resource directory {@code resource} in {@code into} (a fresh application directory). */
    static Path copyResource(String resource, Path into) throws IOException {
        Path from;
        try {
            from = Path.of(CommandMigrationsFixtures.class.getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return copyTree(from, into);
    }

    /** A copy of the directory {@code from}, modes kept and Python caches left out, in {@code into}. */
    public static Path copyTree(Path from, Path into) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(p -> {
                Path to = into.resolve(from.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else if (!p.toString().contains("__pycache__")) {
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return into;
    }

    /** Every byte of every journal file under {@code dir}, as text. */
    static String journalText(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }

    static Runner runner(Path state) {
        return Backstep.runner().journal(Journal.directory(state.resolve("journal"))).stateDir(state)
                .registry(StepRegistry.discover()).build();
    }

    static Step failingCheck() {
        return Step.verification("smoke test", ctx -> {
            throw new IllegalStateException("smoke test failed");
        });
    }
}
