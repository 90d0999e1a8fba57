package dev.backstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.db.journal.JdbcJournal;
import dev.backstep.db.journal.JdbcLock;
import dev.backstep.files.ConfigFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BackstepCli#run} in-process: a JDBC journal (H2 here), help, version matching. */
class BackstepCliTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int cli(String... args) {
        out.reset();
        err.reset();
        return BackstepCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aJdbcJournalNamedInTheConfigIsListedAndRolledBackWithItsLock() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("ops") + ";DB_CLOSE_DELAY=0";
        DriverDataSource ds = new DriverDataSource(url, "sa", null);
        Path conf = tmp.resolve("app.conf");
        Files.writeString(conf, "version=1\n");
        Runner runner = Backstep.runner().journal(JdbcJournal.create(ds)).lock(JdbcLock.create(ds))
                .stateDir(tmp.resolve("state")).build();
        RunResult two = runner.run(Plan.named("deploy shop v2").target("shop")
                .step(ConfigFile.replace(conf, "version=2\n")).build());
        Path config = Files.writeString(tmp.resolve("b.properties"),
                "journal=" + url + "\njournal.user=sa\nstateDir=state\ntarget=shop\n");

        assertThat(cli("rollback", "--config", config.toString(), "--list")).isZero();
        assertThat(out()).startsWith(two.runId().value()).contains("deploy shop v2").contains("SUCCEEDED");
        assertThat(cli("rollback", "--config", config.toString(), "--run", two.runId().value())).isZero();
        assertThat(out()).contains("undone replace " + conf).contains("ROLLED_BACK");
        assertThat(conf).hasContent("version=1\n");
        assertThat(cli("rollback", "--config", config.toString(), "--list")).isZero();
        assertThat(out()).contains("ROLLED_BACK");
    }

    @Test
    void theCommandLineNamesJournalStateDirAndTargetWithoutAConfigOrInsteadOfItsValues() throws Exception {
        Path state = tmp.resolve("state");
        Path conf = tmp.resolve("app.conf");
        Files.writeString(conf, "version=1\n");
        try (var journal = dev.backstep.spi.Journal.directory(state.resolve("journal"))) {
            Backstep.runner().journal(journal).stateDir(state).build().run(Plan.named("deploy web v2").target("web")
                    .step(ConfigFile.replace(conf, "version=2\n")).build());
        }
        String journal = "dir:" + state.resolve("journal");

        assertThat(cli("rollback", "--journal", journal, "--state-dir", state.toString(), "--target", "web", "--list"))
                .isZero();
        assertThat(out()).contains("deploy web v2");
        Path config = Files.writeString(tmp.resolve("b.properties"), "journal=" + journal + "\nstateDir=state\n"
                + "target=shop\n");
        assertThat(cli("rollback", "--config", config.toString(), "--list")).isZero();
        assertThat(out()).isEmpty();
        assertThat(cli("rollback", "--config", config.toString(), "--target", "web", "--list")).isZero();
        assertThat(out()).contains("deploy web v2");
        assertThat(cli("rollback", "--journal", journal, "--list")).as("no state dir, no ./backstep.properties")
                .isEqualTo(ExitCode.CONFIG.code());
        assertThat(out()).contains("or give --journal and --state-dir");
        assertThat(conf).hasContent("version=2\n");
    }

    @Test
    void aPasswordInTheJournalUrlIsRefusedWithoutEchoingIt() throws Exception {
        Path config = Files.writeString(tmp.resolve("b.properties"),
                "journal=jdbc:postgresql://db/ops?user=ops&password=hunter2\nstateDir=state\n");

        assertThat(cli("rollback", "--config", config.toString(), "--list")).isEqualTo(ExitCode.CONFIG.code());
        assertThat(out()).contains("the journal URL holds a password").doesNotContain("hunter2");
    }

    @Test
    void helpListsEveryOptionAndEveryExitCode() {
        assertThat(cli("rollback", "--help")).isZero();
        for (String option : List.of("--auto", "--to-version=V", "--run=ID", "--service=S", "--full", "--restore-db",
                "--dry-run", "--list", "--recover", "--verify", "--json", "--config=FILE")) {
            assertThat(out()).contains(option);
        }
        for (ExitCode c : ExitCode.values()) {
            assertThat(out()).containsPattern("\\s" + c.code() + "\\s+" + c.name() + ": ");
        }
        assertThat(cli()).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rollback");
    }

    @Test
    void aVersionIsTheLastWordOfThePlanNameWithOrWithoutItsV() {
        assertThat(RollbackCommand.isVersion("deploy samokoder v1.2.3", "v1.2.3")).isTrue();
        assertThat(RollbackCommand.isVersion("deploy samokoder v1.2.3", "1.2.3")).isTrue();
        assertThat(RollbackCommand.isVersion("deploy shop@prod 1.3.0", "v1.3.0")).isTrue();
        assertThat(RollbackCommand.isVersion("deploy samokoder v1.2.3", "v1.2")).isFalse();
        assertThat(RollbackCommand.isVersion("deploy v1.2.3 hotfix", "v1.2.3")).isFalse();
        assertThat(RollbackCommand.isVersion("deploy shop vnext", "next")).isFalse();
    }
}
