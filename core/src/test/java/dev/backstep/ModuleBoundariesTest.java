package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The architecture rule of the build: modules other than core reach core through its public API
 * and {@code dev.backstep.spi} only. Any reference (import, static import or qualified name) in
 * main or test sources to an {@code internal} package that the module does not declare itself
 * fails the build.
 */
class ModuleBoundariesTest {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern INTERNAL_REF = Pattern.compile("\\bdev\\.backstep(?:\\.\\w+)*?\\.internal\\b");

    @TempDir
    Path tmp;

    @Test
    void noModuleButCoreUsesAnotherModulesInternalPackages() throws IOException {
        Path root = reactorRoot();
        List<String> modules = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("src")))
                    .map(d -> d.getFileName().toString()).sorted().forEach(modules::add);
        }
        assertThat(modules).as("modules under %s", root).contains("core", "adapters-db", "adapters-git", "testkit");

        List<String> violations = new ArrayList<>();
        for (String module : modules) {
            if (!module.equals("core")) {
                violations.addAll(violations(root.resolve(module)));
            }
        }
        assertThat(violations).as("references to core's (or another module's) internal packages").isEmpty();
    }

    @Test
    void theRuleCatchesImportsStaticImportsAndQualifiedNamesButAllowsTheModulesOwnInternals() throws IOException {
        Path module = tmp.resolve("adapters-x");
        write(module.resolve("src/main/java/dev/backstep/x/internal/Helper.java"),
                "package dev.backstep.x.internal;\npublic final class Helper {}\n");
        write(module.resolve("src/main/java/dev/backstep/x/Step.java"), """
                package dev.backstep.x;
                import dev.backstep.x.internal.Helper;
                import dev.backstep.internal.Json;
                import static dev.backstep.files.internal.Owner.check;
                class Step { Object o = new dev.backstep.check.internal.PromText(); }
                """);
        write(module.resolve("src/test/java/dev/backstep/x/StepTest.java"),
                "package dev.backstep.x;\nimport dev.backstep.spi.Locks;\nclass StepTest {}\n");

        assertThat(violations(module)).containsExactly(
                "src/main/java/dev/backstep/x/Step.java:3: dev.backstep.internal",
                "src/main/java/dev/backstep/x/Step.java:4: dev.backstep.files.internal",
                "src/main/java/dev/backstep/x/Step.java:5: dev.backstep.check.internal");
    }

    /** {@code file:line: package} for every reference to an internal package the module does not own. */
    static List<String> violations(Path module) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(module.resolve("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        Set<String> own = new TreeSet<>();
        for (Path source : sources) {
            Matcher m = PACKAGE.matcher(read(source));
            if (m.find()) {
                own.add(m.group(1));
            }
        }
        List<String> violations = new ArrayList<>();
        for (Path source : sources) {
            String[] lines = read(source).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
                    continue; // prose may name internal packages
                }
                Matcher m = INTERNAL_REF.matcher(line);
                while (m.find()) {
                    if (!own.contains(m.group())) {
                        violations.add(module.relativize(source) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        return violations;
    }

    private static Path reactorRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("core")) && Files.isDirectory(d.resolve("adapters-db"))
                    && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new AssertionError("cannot find the reactor root (a directory with core/ and adapters-db/) above " + dir);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path f, String text) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }
}
