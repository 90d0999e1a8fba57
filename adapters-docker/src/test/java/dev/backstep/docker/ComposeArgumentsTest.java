package dev.backstep.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.spi.StepRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bad input is refused when a step is built, with the reason; the step types are registered. */
class ComposeArgumentsTest {
    private final Compose shop = Compose.project(Path.of("/srv/shop"));

    @Test
    void badServiceNamesAndArgumentsAreRefusedWithAReason() {
        assertThatThrownBy(() -> Compose.project(null)).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("the compose project directory is null");
        assertThatThrownBy(() -> shop.stop()).isInstanceOf(dev.backstep.PlanDefinitionException.class)
                .hasMessage("name at least one service, was []");
        assertThatThrownBy(() -> shop.up("web", "web")).hasMessage("service web is named twice in [web, web]");
        assertThatThrownBy(() -> shop.restart("-f")).hasMessageContaining("'-f' is not a valid service name");
        assertThatThrownBy(() -> shop.restart("web;rm")).hasMessageContaining("is not a valid service name");
        assertThatThrownBy(() -> shop.exec("web"))
                .hasMessage("exec in service web needs a command, without null arguments, was []");
        assertThatThrownBy(() -> shop.exec("web", "ls", null))
                .hasMessage("exec in service web needs a command, without null arguments, was [ls, null]");
        assertThatThrownBy(() -> shop.file(" "))
                .hasMessage("the compose file of compose project /srv/shop is blank, was ' '");
        assertThatThrownBy(() -> shop.envFile("a\nb")).hasMessageContaining("holds a newline");
        assertThatThrownBy(() -> shop.cli(null)).hasMessage("the compose CLI of compose project /srv/shop is null");
        assertThatThrownBy(() -> ComposeCli.v1().via()).hasMessageContaining("needs the wrapper program");
    }

    @Test
    void stepsNameWhatTheyRunAndHowTheyAreUndone() {
        Compose c = shop.file("docker-compose.yml").envFile(".env.prod");
        assertThat(c.up("web").name()).isEqualTo("compose up web");
        assertThat(c.exec("web", "php", "artisan", "migrate").name()).isEqualTo("compose exec web php artisan migrate");
        assertThat(c.pull().describe()).isEqualTo("compose pull in /srv/shop; undo: each image reference names its"
                + " previous image again");
        assertThat(c.up("web").type()).isEqualTo(Compose.UP).isEqualTo("docker.compose.up");
        assertThat(ComposeCli.v2().via("sudo", "-n").composePrefix(true)).containsExactly("sudo", "-n", "docker", "compose");
        assertThat(ComposeCli.v1().composePrefix(false)).containsExactly("docker-compose");
    }

    @Test
    void aRenamedStepIsStillAServiceStepOfTheSameTypeDescribingTheSameCommand() {
        ServiceStep up = shop.up("web").checkAtExecution();

        ServiceStep renamed = up.withName("start the shop");

        assertThat(renamed.name()).isEqualTo("start the shop");
        assertThat(renamed.type()).isEqualTo(Compose.UP);
        assertThat(renamed.describe()).isEqualTo(up.describe()).startsWith("compose up web in /srv/shop");
        assertThat(renamed.checkAtExecution().name()).isEqualTo("start the shop");
        assertThat(renamed).hasToString("ServiceStep[start the shop]");
        assertThat(up).hasToString("ServiceStep[compose up web]");
    }

    @Test
    void everyStepTypeIsFoundByTheRegistryForRollbacksFromTheJournal() {
        StepRegistry registry = StepRegistry.discover();
        for (String type : new String[] {Compose.UP, Compose.PULL, Compose.STOP, Compose.RESTART, Compose.EXEC,
                Compose.HEALTHY}) {
            assertThat(registry.compensation(type)).as(type).isPresent();
        }
    }

    @Test
    void aMissingComposeProgramIsReportedAtValidationNotAtTheFirstChange(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("docker-compose.yml"), "services:\n  web:\n    image: x\n");
        ServiceStep up = Compose.project(tmp).cli(ComposeCli.v1().dockerCompose("/nonexistent/docker-compose")).up();
        dev.backstep.Runner runner = dev.backstep.Backstep.runner().stateDir(tmp.resolve("state")).build();

        assertThatThrownBy(() -> runner.run(dev.backstep.Plan.named("deploy").step(up).build()))
                .isInstanceOf(dev.backstep.StepValidationException.class)
                .hasMessageContaining("cannot run /nonexistent/docker-compose")
                .cause().isInstanceOf(DockerException.class)
                .extracting(e -> ((DockerException) e).reason()).isEqualTo(DockerException.Reason.COMPOSE_NOT_FOUND);
    }
}
