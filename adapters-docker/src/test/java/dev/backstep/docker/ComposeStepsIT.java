package dev.backstep.docker;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepValidationException;
import dev.backstep.check.Since;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Compose steps against a real Docker engine and docker-compose (see {@link DockerEngine}). */
@ExtendWith(DockerEngine.class)
class ComposeStepsIT {
    @TempDir
    Path tmp;

    Path dir;
    Path env;
    Compose shop;
    Runner runner;

    @BeforeEach
    void project() throws Exception {
        dir = Files.createDirectories(tmp.resolve("shop" + Long.toHexString(System.nanoTime())));
        Files.writeString(dir.resolve("docker-compose.yml"), String.join("\n",
                "version: '2.4'",
                "services:",
                "  web:",
                "    image: backstep-app:${APP_VERSION}",
                "    init: true",
                "    healthcheck:",
                "      test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/\"]",
                "      interval: 1s",
                "      timeout: 5s",
                "      retries: 30",
                "  cache:",
                "    image: backstep-app:1.0",
                "    init: true",
                ""));
        env = dir.resolve(".env.prod");
        Files.writeString(env, "APP_VERSION=1.0\n");
        shop = Compose.project(dir).file("docker-compose.yml").envFile(".env.prod").dockerHost(DockerEngine.host());
        runner = Backstep.runner().journal(Journal.directory(tmp.resolve("state/journal")))
                .stateDir(tmp.resolve("state")).build();
    }

    @AfterEach
    void down() throws Exception {
        DockerEngine.compose(dir, "--env-file", env.toString(), "down", "-t", "1");
    }

    private void compose(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--env-file";
        all[1] = env.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        DockerEngine.compose(dir, all);
    }

    private String container(String service) throws Exception {
        return DockerEngine.docker("ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project="
                + dir.getFileName(), "--filter", "label=com.docker.compose.service=" + service).strip();
    }

    private String inspect(String service, String format) throws Exception {
        return DockerEngine.docker("inspect", "--format", format, container(service)).strip();
    }

    private String served(String service) throws Exception {
        return DockerEngine.docker("exec", container(service), "cat", "/www/index.html").strip();
    }

    private String imageId(String ref) throws Exception {
        return DockerEngine.docker("image", "inspect", "--format", "{{.Id}}", ref).strip();
    }

    /** Sets APP_VERSION=2.0, brings web up on it and waits up to 60 s for it to be healthy. */
    private Plan.Builder deployTwoPointO() {
        return Plan.named("deploy 2.0").target("shop")
                .step(ConfigFile.edit(env).set("APP_VERSION", "2.0"))
                .step(shop.up("web"))
                .verify(shop.healthy("web").within(Duration.ofSeconds(60)));
    }

    private static Step failing() {
        return Step.verification("smoke test", ctx -> {
            throw new AssertionError("smoke test failed");
        });
    }

    @Test
    void aFailedDeployPutsTheServiceBackOnExactlyTheImageItRan() throws Exception {
        compose("up", "-d");
        String hashBefore = inspect("web", "{{index .Config.Labels \"com.docker.compose.config-hash\"}}");
        Plan plan = deployTwoPointO()
                .verify(failing())
                .build();

        RunResult r = runner.run(plan);

        assertThat(r).rolledBack();
        assertThat(inspect("web", "{{.Image}}")).isEqualTo(imageId("backstep-app:1.0"));
        assertThat(inspect("web", "{{index .Config.Labels \"com.docker.compose.config-hash\"}}")).isEqualTo(hashBefore);
        assertThat(inspect("web", "{{.State.Status}}")).isEqualTo("running");
        assertThat(served("web")).isEqualTo("version 1.0");
        assertThat(Files.readString(env)).isEqualTo("APP_VERSION=1.0\n");
    }

    @Test
    void aSucceededDeployIsRolledBackTheNextDayByAnotherRunnerFromTheJournalAlone() throws Exception {
        compose("up", "-d");
        Plan plan = deployTwoPointO().build();
        RunResult deployed = runner.run(plan);
        assertThat(deployed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(served("web")).isEqualTo("version 2.0");

        Runner fresh = Backstep.runner().journal(Journal.directory(tmp.resolve("state/journal")))
                .stateDir(tmp.resolve("state")).build();
        RunResult back = fresh.rollback(deployed.runId());

        assertThat(back.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(inspect("web", "{{.Image}}")).isEqualTo(imageId("backstep-app:1.0"));
        assertThat(served("web")).isEqualTo("version 1.0");
    }

    @Test
    void upOfAServiceThatHadNoContainerIsUndoneByRemovingIt() throws Exception {
        RunResult r = runner.run(Plan.named("first deploy").target("shop")
                .step(shop.up("web")).verify(failing()).build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(container("web")).isEmpty();
        assertThat(container("cache")).isEmpty();
    }

    @Test
    void stopIsUndoneByStartingTheSameContainer() throws Exception {
        compose("up", "-d");
        String id = container("cache");

        RunResult r = runner.run(Plan.named("maintenance").target("shop")
                .step(shop.stop("cache")).verify(failing()).build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(container("cache")).isEqualTo(id);
        assertThat(inspect("cache", "{{.State.Status}}")).isEqualTo("running");
    }

    @Test
    void execIsUndoneByRecreatingTheContainerFromItsRecordedImage() throws Exception {
        compose("up", "-d");
        String id = container("web");

        RunResult r = runner.run(Plan.named("patch").target("shop")
                .step(shop.exec("web", "sh", "-c", "echo patched > /www/index.html"))
                .verify(Step.verification("patched", ctx -> assertThat(served("web")).isEqualTo("patched")))
                .verify(failing()).build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(container("web")).isNotEqualTo(id);
        assertThat(served("web")).isEqualTo("version 1.0");
        assertThat(inspect("web", "{{.Image}}")).isEqualTo(imageId("backstep-app:1.0"));
    }

    @Test
    void rehearsalProvesTheRollbackRestoresTheServicesExactly() throws Exception {
        compose("up", "-d");
        Plan plan = deployTwoPointO().build();

        Rehearsal rehearsal = runner.rehearse(plan);

        assertThat(rehearsal).restoredExactly();
        assertThat(served("web")).isEqualTo("version 2.0");
    }

    @Test
    void aLogCheckOnTheServiceRollsBackWhenTheNewVersionLogsAnError() throws Exception {
        compose("up", "-d");
        Plan plan = deployTwoPointO()
                .verify(shop.logs("web").since(Since.RUN_START).noneMatch("ERROR"))
                .build();

        RunResult r = runner.run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failure().orElseThrow())
                .hasStackTraceContaining("service web: expected no line matching /ERROR/ since the run started but found 1:"
                        + " \"ERROR queue unreachable password=****\"")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2"));
        assertThat(served("web")).isEqualTo("version 1.0");

        // the old version logs no error: the same check passes on it
        RunResult quiet = runner.run(Plan.named("restart 1.0").target("shop")
                .step(shop.restart("web"))
                .verify(shop.logs("web").since(Since.RUN_START).noneMatch("ERROR")).build());
        assertThat(quiet.status()).isEqualTo(RunStatus.SUCCEEDED);

        // 2.0 logged its ERROR before the next run started: since(RUN_START) does not count it
        Files.writeString(env, "APP_VERSION=2.0\n");
        compose("up", "-d", "web");
        assertThat(DockerEngine.docker("logs", container("web"))).contains("ERROR queue unreachable");
        RunResult later = runner.run(Plan.named("stop cache").target("shop")
                .step(shop.stop("cache"))
                .verify(shop.logs("web").since(Since.RUN_START).noneMatch("ERROR")).build());
        assertThat(later.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @Test
    void validationRefusesUnknownServicesAndMissingImagesBeforeAnythingChanges() throws Exception {
        compose("up", "-d");
        String id = container("web");
        Files.writeString(env, "APP_VERSION=9.9\n");

        assertThatThrownBy(() -> runner.run(Plan.named("bad").target("shop").step(shop.stop("cache"))
                .step(shop.up("web")).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("image backstep-app:9.9 of service web is not on the Docker engine")
                .hasRootCauseInstanceOf(DockerException.class);
        assertThatThrownBy(() -> runner.run(Plan.named("bad").target("shop").step(shop.restart("nope")).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("service nope is not defined");
        assertThatThrownBy(() -> runner.run(Plan.named("bad").target("shop")
                .step(Compose.project(dir).envFile("missing.env").up()).build()))
                .isInstanceOf(StepValidationException.class)
                .hasMessageContaining("env file " + dir.resolve("missing.env") + " does not exist");
        assertThat(container("web")).isEqualTo(id);
        assertThat(inspect("cache", "{{.State.Status}}")).isEqualTo("running");
    }

    @Test
    void healthyFailsForAStoppedServiceNamingWhatItFound() throws Exception {
        compose("up", "-d");
        compose("stop", "-t", "1", "cache");

        RunResult r = runner.run(Plan.named("check").target("shop")
                .verify(shop.healthy("cache").within(Duration.ofSeconds(2)).every(Duration.ofMillis(500))).build());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.failure().orElseThrow()).hasStackTraceContaining(
                "service cache: expected a running container but was backstep-app:1.0 (sha256:");
    }

    @Test
    void pullIsUndoneByPointingTheTagAtTheImageItNamedBefore() throws Exception {
        String ref = DockerEngine.registry() + "/backstep-app:stable-" + dir.getFileName();
        DockerEngine.docker("tag", "backstep-app:2.0", ref);
        DockerEngine.docker("push", ref);                     // the registry has 2.0 under the tag
        DockerEngine.docker("tag", "backstep-app:1.0", ref);  // this host still has 1.0 under it
        Files.writeString(dir.resolve("pulled.yml"), "version: '2.4'\nservices:\n  api:\n    image: " + ref
                + "\n    init: true\n");
        Compose pulled = Compose.project(dir).file("pulled.yml").dockerHost(DockerEngine.host());
        DockerEngine.compose(dir, "-f", "pulled.yml", "up", "-d");
        try {
            Plan plan = Plan.named("pull and deploy").target("pulled")
                    .step(pulled.pull("api"))
                    .step(pulled.up("api"))
                    .verify(Step.verification("runs 2.0", ctx -> assertThat(served("api", "pulled.yml"))
                            .isEqualTo("version 2.0")))
                    .verify(failing())
                    .build();

            RunResult r = runner.run(plan);

            assertThat(r).rolledBack().compensated("compose up api", "compose pull api");
            assertThat(imageId(ref)).isEqualTo(imageId("backstep-app:1.0"));
            assertThat(served("api", "pulled.yml")).isEqualTo("version 1.0");
        } finally {
            DockerEngine.compose(dir, "-f", "pulled.yml", "down", "-t", "1");
        }
    }

    private String served(String service, String file) throws Exception {
        String id = DockerEngine.compose(dir, "-f", file, "ps", "-q", service).strip();
        return DockerEngine.docker("exec", id, "cat", "/www/index.html").strip();
    }
}
