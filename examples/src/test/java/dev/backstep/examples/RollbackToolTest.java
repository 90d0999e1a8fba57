package dev.backstep.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackToolTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Path state() {
        return dir.resolve("state");
    }

    Path conf() {
        return dir.resolve("app.conf");
    }

    RunResult deploy(String version) {
        try (Journal journal = Journal.directory(state().resolve("journal"))) {
            Runner runner = Backstep.runner().journal(journal).stateDir(state()).build();
            return runner.run(Plan.named("deploy " + version).target("shop@prod")
                    .step(ConfigFile.replace(conf(), "version=" + version + "\n")).build());
        }
    }

    void markGood(RunResult r) {
        try (Journal journal = Journal.directory(state().resolve("journal"))) {
            Backstep.runner().journal(journal).stateDir(state()).build().markGood(r.runId());
        }
    }

    int tool(String... args) {
        buf.reset();
        return RollbackTool.run(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    String out() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void autoGoesBackToTheLastGoodRunThenSaysThereIsNothingLeft() throws Exception {
        Files.writeString(conf(), "version=0\n");
        markGood(deploy("1"));
        RunResult two = deploy("2");
        RunResult three = deploy("3");

        assertThat(tool("--state", state().toString(), "--target", "shop@prod", "--auto", "--dry-run"))
                .isEqualTo(RollbackTool.OK);
        assertThat(out()).contains("would roll back " + three.runId()).contains("would roll back " + two.runId());
        assertThat(conf()).hasContent("version=3");

        assertThat(tool("--state", state().toString(), "--target", "shop@prod", "--auto")).isEqualTo(RollbackTool.OK);
        assertThat(conf()).hasContent("version=1");
        assertThat(out()).contains("ROLLED_BACK");

        assertThat(tool("--state", state().toString(), "--target", "shop@prod", "--auto"))
                .isEqualTo(RollbackTool.NOTHING);
        assertThat(out()).contains("nothing to roll back");

        assertThat(tool("--state", state().toString(), "--target", "shop@prod", "--list")).isEqualTo(RollbackTool.OK);
        assertThat(out().lines()).hasSize(3);
        assertThat(out()).contains("SUCCEEDED           good").contains("ROLLED_BACK");
    }

    @Test
    void oneRunAtATimeIsRefusedWhileALaterOneIsAppliedAndAnAlreadyRolledBackRunIsNothing() throws Exception {
        Files.writeString(conf(), "version=0\n");
        RunResult one = deploy("1");
        RunResult two = deploy("2");

        assertThat(tool("--state", state().toString(), "--run", one.runId().value())).isEqualTo(RollbackTool.REFUSED);
        assertThat(out()).contains("refused, nothing changed").contains(two.runId().value());
        assertThat(conf()).hasContent("version=2");

        assertThat(tool("--state", state().toString(), "--run", two.runId().value())).isEqualTo(RollbackTool.OK);
        assertThat(conf()).hasContent("version=1");
        assertThat(tool("--state", state().toString(), "--run", two.runId().value())).isEqualTo(RollbackTool.NOTHING);
        assertThat(tool("--state", state().toString(), "--run", "no-such-run")).isEqualTo(RollbackTool.REFUSED);
    }

    @Test
    void withoutAGoodRunAutoIsRefusedAndBadArgumentsAreAUsageError() {
        deploy("1");

        assertThat(tool("--state", state().toString(), "--target", "shop@prod", "--auto"))
                .isEqualTo(RollbackTool.REFUSED);
        assertThat(out()).contains("no run of shop@prod was marked good");
        assertThat(tool("--target", "shop@prod", "--auto")).isEqualTo(RollbackTool.USAGE);
        assertThat(out()).contains("--state DIR is required");
        assertThat(tool("--state", state().toString(), "--bogus")).isEqualTo(RollbackTool.USAGE);
    }

    @Test
    void recoverFinishesNothingWhenEverythingFinished() {
        deploy("1");

        assertThat(tool("--state", state().toString(), "--recover")).isEqualTo(RollbackTool.OK);
        assertThat(conf()).hasContent("version=1\n");
    }

    @Test
    void verifyListsADamagedRunWithFileAndLineWithItsOwnExitCodeAndChangesNothing() throws Exception {
        Files.writeString(conf(), "version=0\n");
        RunResult one = deploy("1");
        RunResult two = deploy("2");
        assertThat(tool("--state", state().toString(), "--verify")).isEqualTo(RollbackTool.OK);
        assertThat(out()).contains("journal is sound: 2 run(s) checked");

        Path file = state().resolve("journal").resolve("runs").resolve(one.runId().value() + ".jsonl");
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        int last = lines.size() - 1; // RUN_FINISHED, edited by hand with its checksum recomputed
        String body = lines.get(last).substring(0, lines.get(last).length() - 18).replace("SUCCEEDED", "OK");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update((body + "}").getBytes(StandardCharsets.UTF_8));
        lines.set(last, body + ",\"crc\":\"" + String.format("%08x", crc.getValue()) + "\"}");
        Files.writeString(file, String.join("\n", lines) + "\n");
        byte[] damaged = Files.readAllBytes(file);

        assertThat(tool("--state", state().toString(), "--verify")).isEqualTo(RollbackTool.DAMAGED);
        assertThat(out()).contains("DAMAGED " + one.runId() + ": " + file + " line " + (last + 1)
                + ": RUN_FINISHED has an unknown status 'OK'").contains("1 damaged run(s); nothing was changed")
                .doesNotContain(two.runId().value());
        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
        assertThat(conf()).hasContent("version=2");
        assertThat(tool("--state", dir.resolve("nowhere").toString(), "--verify")).isEqualTo(RollbackTool.REFUSED);
        assertThat(dir.resolve("nowhere")).doesNotExist();
        assertThat(tool("--state", state().toString(), "--verify", "--recover")).isEqualTo(RollbackTool.USAGE);
    }
}
