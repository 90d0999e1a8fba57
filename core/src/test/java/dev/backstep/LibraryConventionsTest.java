package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every published module of the build provides: a place in {@code backstep-bom}, an
 * {@code Automatic-Module-Name} of its own, and a documented {@code package-info.java} for every
 * package of its main sources.
 */
class LibraryConventionsTest {
    private static final Pattern ARTIFACT_ID = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
    private static final Pattern MODULE_NAME = Pattern.compile("<automatic-module-name>([^<]+)</automatic-module-name>");

    @Test
    void theBomManagesEveryPublishedModule() throws IOException {
        Path root = reactorRoot();
        String bom = Files.readString(root.resolve("bom/pom.xml"), StandardCharsets.UTF_8);
        List<String> published = new ArrayList<>();
        for (Path module : modules(root)) {
            String pom = Files.readString(module.resolve("pom.xml"), StandardCharsets.UTF_8);
            if (!pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
                Matcher m = ARTIFACT_ID.matcher(pom);
                assertThat(m.find()).as("artifactId of %s", module).isTrue();
                published.add(m.group(1));
            }
        }

        assertThat(published).contains("backstep-core", "backstep-db");
        assertThat(bom).doesNotContain("<parent>");
        for (String artifact : published) {
            assertThat(bom).as("backstep-bom manages %s", artifact).contains("<artifactId>" + artifact + "</artifactId>");
        }
    }

    @Test
    void everyModuleNamesItsJarForTheModulePath() throws IOException {
        Map<String, Path> names = new TreeMap<>();
        for (Path module : modules(reactorRoot())) {
            Matcher m = MODULE_NAME.matcher(Files.readString(module.resolve("pom.xml"), StandardCharsets.UTF_8));
            assertThat(m.find()).as("%s sets automatic-module-name", module.getFileName()).isTrue();
            assertThat(m.group(1)).matches("dev\\.backstep(\\.[a-z]+)*");
            assertThat(names.put(m.group(1), module)).as("module name %s used twice", m.group(1)).isNull();
        }
    }

    @Test
    void everyPackageHasADocumentedPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path module : modules(reactorRoot())) {
            Path main = module.resolve("src/main/java");
            if (!Files.isDirectory(main)) {
                continue;
            }
            try (Stream<Path> dirs = Files.walk(main)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    boolean hasTypes;
                    try (Stream<Path> files = Files.list(dir)) {
                        hasTypes = files.anyMatch(f -> f.toString().endsWith(".java")
                                && !f.getFileName().toString().equals("package-info.java"));
                    }
                    Path info = dir.resolve("package-info.java");
                    if (hasTypes && (!Files.exists(info)
                            || !Files.readString(info, StandardCharsets.UTF_8).contains("/**"))) {
                        missing.add(module.getFileName() + ": " + main.relativize(dir));
                    }
                }
            }
        }
        assertThat(missing).as("packages without a documented package-info.java").isEmpty();
    }

    private static List<Path> modules(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("src")))
                    .sorted().toList();
        }
    }

    private static Path reactorRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("core")) && Files.isRegularFile(d.resolve("bom/pom.xml"))) {
                return d;
            }
        }
        throw new AssertionError("cannot find the reactor root (a directory with core/ and bom/) above " + dir);
    }
}
