package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash rehearsals of users' plans: real child JVMs SIGKILLed at every journal boundary, real
 * files, recovery in this JVM.
 */
class CrashRehearsalIT {
    @TempDir
    Path tmp;

    static void prepareShop(Path dir) throws IOException {
        Files.writeString(dir.resolve("app.env"), "APP_VERSION=1\n# keep me\nDB_PASSWORD=s3cret\n");
        Files.setPosixFilePermissions(dir.resolve("app.env"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(dir.resolve("app/releases/v1"));
        Files.writeString(dir.resolve("app/releases/v1/index.html"), "v1");
        Files.createSymbolicLink(dir.resolve("app/current"), Path.of("releases/v1"));
        Files.createDirectories(dir.resolve("build-v2"));
        Files.writeString(dir.resolve("build-v2/index.html"), "v2");
    }

    /** Edits a config file, deploys a release, replaces a flags file. */
    public static final class FilesDeploy implements PlanFactory {
        @Override
        public void prepare(Path dir) throws IOException {
            prepareShop(dir);
        }

        @Override
        public Plan plan(Path dir) {
            return Plan.named("deploy shop v2").target("shop")
                    .step(ConfigFile.edit(dir.resolve("app.env")).set("APP_VERSION", "2"))
                    .step(Release.in(dir.resolve("app")).deploy("v2", dir.resolve("build-v2")))
                    .step(ConfigFile.replace(dir.resolve("feature.flags"), "checkout=on\n"))
                    .build();
        }
    }

    /** Like {@link FilesDeploy}, with a step whose compensation puts back 0644 where 0640 was. */
    public static final class SubtlyWrongCompensation implements PlanFactory {
        static final Compensation WRONG = ctx -> {
            if (ctx.recorded("path").isPresent()) {
                Files.setPosixFilePermissions(Path.of(ctx.recorded("path").get()),
                        PosixFilePermissions.fromString("rw-r--r--"));
            }
        };

        @Override
        public void prepare(Path dir) throws IOException {
            prepareShop(dir);
            Files.writeString(dir.resolve("tls.key"), "not a real key\n");
            Files.setPosixFilePermissions(dir.resolve("tls.key"), PosixFilePermissions.fromString("rw-r-----"));
        }

        @Override
        public Plan plan(Path dir) {
            Path env = dir.resolve("tls.key");
            return Plan.named("deploy shop v2").target("shop")
                    .step(ConfigFile.edit(dir.resolve("app.env")).set("APP_VERSION", "2"))
                    .step(Step.named("tighten tls.key").type("test.tighten")
                            .action(ctx -> {
                                ctx.record("path", env.toString());
                                Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
                            })
                            .compensation(WRONG)
                            .fingerprint(ctx -> List.of(Fingerprint.of("file:" + env, "mode",
                                    PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))))
                            .build())
                    .step(Release.in(dir.resolve("app")).deploy("v2", dir.resolve("build-v2")))
                    .build();
        }

        @Override
        public Runner runner(Path stateDir, Journal journal) {
            return Backstep.runner().journal(journal).stateDir(stateDir).compensation("test.tighten", WRONG).build();
        }
    }

    @Test
    void aPlanOfFilesStepsIsRestoredAfterASigkillAtEveryJournalBoundary() {
        CrashRehearsal.Result r = CrashRehearsal.of(FilesDeploy.class).in(tmp).assertRestoredAtEveryBoundary();

        assertThat(r.total()).isGreaterThan(10);
        assertThat(r.killed()).hasSize(r.total()).allMatch(CrashRehearsal.Boundary::restored);
        assertThat(r.killed()).extracting(CrashRehearsal.Boundary::number).startsWith(1).endsWith(r.total());
        assertThat(r.toText()).startsWith("crash rehearsal of plan 'deploy shop v2': killed at " + r.total() + " of "
                + r.total() + " boundaries\n");
        // the kill was real: the child left its journal and the work directory of the last boundary
        assertThat(tmp.resolve("boundary-" + r.total() + "/state/journal")).isDirectory();
    }

    @Test
    void aSubtlyWrongCompensationFailsNamingTheFirstBoundaryThatDidNotRestore() {
        CrashRehearsal.Result r = CrashRehearsal.of(SubtlyWrongCompensation.class).in(tmp).run();

        CrashRehearsal.Boundary first = r.firstNotRestored().orElseThrow();
        assertThat(first.after()).contains("'tighten tls.key'");
        assertThat(first.recovery()).isEqualTo("ROLLED_BACK");
        assertThat(first.differences()).as(r.toText())
                .anyMatch(d -> d.contains("rw-r-----") && d.contains("rw-r--r--"));
        assertThat(r.killed().subList(0, first.number() - 1)).isNotEmpty()
                .allMatch(CrashRehearsal.Boundary::restored);
        assertThatThrownBy(r::assertRestored).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("the first boundary that did not restore is " + first.number() + " of "
                        + r.total() + " (killed after " + first.after());
    }

    /** The three lines a user writes, on a plan whose compensation is wrong: the failure names the boundary. */
    @Test
    void theOneLineAssertionFailsNamingTheFirstBoundaryThatDidNotRestore() {
        assertThatThrownBy(() -> CrashRehearsal.of(SubtlyWrongCompensation.class).in(tmp).assertRestoredAtEveryBoundary())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("the first boundary that did not restore is ")
                .hasMessageContaining("'tighten tls.key'")
                .hasMessageContaining("rw-r-----").hasMessageContaining("rw-r--r--")
                .hasMessageContaining("crash rehearsal of plan 'deploy shop v2': killed at ");
    }
}
