package dev.backstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.spi.Journal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backstep rollback} end to end: the shaded jar run with {@code java -jar} (and once through
 * {@code bin/backstep}) in a fresh process, against a directory journal made by running real plans
 * on a real git working copy, files and a SQLite database: v1 (marked good) and v2 succeeded, v3
 * failed its health check and was rolled back.
 */
class BackstepCliIT {
    static final Path JAR = Path.of(System.getProperty("backstep.cli.jar", "target/missing.jar"));
    static final Path LAUNCHER = Path.of(System.getProperty("backstep.cli.launcher", "bin/backstep"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Deploys d;
    RunResult v1;
    RunResult v2;
    RunResult v3;
    Map<String, String> atV1;
    Map<String, String> atV2;
    List<String> rowsAtV1;

    @BeforeEach
    void deployV1ThenV2ThenAFailingV3() throws Exception {
        assertThat(JAR).as("the shaded jar (built by package)").isRegularFile();
        d = new Deploys(tmp);
        d.prepare();
        Files.writeString(tmp.resolve("backstep.properties"), "journal=dir:state/journal\nstateDir=state\ntarget=shop\n");
        try (Journal journal = Journal.directory(d.state().resolve("journal"))) {
            Runner runner = d.runner(journal);
            v1 = runner.run(d.deploy("v1", false));
            runner.markGood(v1.runId());
            atV1 = d.fingerprint();
            rowsAtV1 = d.rows();
            v2 = runner.run(d.deploy("v2", false));
            d.sql("INSERT INTO orders VALUES (2, 'written by the app after v2')");
            v3 = runner.run(d.deploy("v3", true));
        }
        assertThat(List.of(v1.status(), v2.status(), v3.status()))
                .containsExactly(RunStatus.SUCCEEDED, RunStatus.SUCCEEDED, RunStatus.ROLLED_BACK);
        atV2 = d.fingerprint();
        assertThat(atV2).isNotEqualTo(atV1);
        assertThat(atV2.get("git HEAD")).isEqualTo(d.gitOut("rev-parse", "v2^{commit}"));
    }

    record Out(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    /** {@code java -jar backstep-cli-all.jar rollback ARGS} in {@code tmp} (so ./backstep.properties is found). */
    Out cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "rollback"));
        cmd.addAll(List.of(args));
        return exec(new ProcessBuilder(cmd));
    }

    Out exec(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("backstep did not end within 180 s: " + pb.command());
        }
        Out o = new Out(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return o;
    }

    /** Every file under tmp but the command's own output files: the journal, locks, backups, .git, the database. */
    Map<String, String> everything() throws Exception {
        return Deploys.files(tmp, false);
    }

    @Test
    void listShowsEveryRunOfTheTargetInTextAndJsonAndVerifyFindsASoundJournal() throws Exception {
        Out text = cli("--list");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out().lines()).hasSize(3);
        assertThat(text.out().lines().toList().get(0)).startsWith(v1.runId().value()).contains("deploy shop v1")
                .contains("SUCCEEDED").endsWith("good");
        assertThat(text.out().lines().toList().get(1)).startsWith(v2.runId().value()).contains("SUCCEEDED")
                .doesNotContain("good");
        assertThat(text.out().lines().toList().get(2)).startsWith(v3.runId().value()).contains("ROLLED_BACK");

        JsonNode json = cli("--list", "--json").json();
        assertThat(json.get("outcome").asText()).isEqualTo("OK");
        assertThat(json.get("exitCode").asInt()).isZero();
        assertThat(json.get("target").asText()).isEqualTo("shop");
        assertThat(json.get("runs")).hasSize(3);
        assertThat(json.get("runs").get(0).get("runId").asText()).isEqualTo(v1.runId().value());
        assertThat(json.get("runs").get(0).get("good").asBoolean()).isTrue();
        assertThat(json.get("runs").get(2).get("status").asText()).isEqualTo("ROLLED_BACK");

        Out verify = cli("--verify");
        assertThat(verify.code()).isZero();
        assertThat(verify.out()).contains("journal is sound: 3 run(s) checked");
    }

    @Test
    void dryRunShowsWhichRunsAndStepsWouldBeUndoneAndChangesNothing() throws Exception {
        Map<String, String> before = everything();

        Out auto = cli("--auto", "--dry-run");
        assertThat(auto.code()).as(auto.toString()).isZero();
        assertThat(auto.out()).contains("would roll back " + v2.runId() + " (deploy shop v2)")
                .contains("  would undo configure app.env\n  would undo git checkout")
                .contains("  would undo snapshot shop.db")
                .contains("database snapshots would not be restored (no --restore-db)")
                .contains("dry run: nothing was changed")
                .doesNotContain(v3.runId().value());

        JsonNode json = cli("--to-version", "v1", "--dry-run", "--json", "--restore-db").json();
        assertThat(json.get("outcome").asText()).isEqualTo("OK");
        assertThat(json.get("backTo").get("runId").asText()).isEqualTo(v1.runId().value());
        assertThat(json.get("wouldRollBack")).hasSize(1);
        assertThat(json.get("wouldRollBack").get(0).get("runId").asText()).isEqualTo(v2.runId().value());
        assertThat(json.get("wouldRollBack").get(0).get("stepsToUndo").get(0).asText()).isEqualTo("configure app.env");
        assertThat(json.get("wouldRollBack").get(0).get("stepsToUndo")).hasSize(3);

        assertThat(cli("--run", v2.runId().value(), "--dry-run").code()).isZero();
        Out refused = cli("--run", v1.runId().value(), "--dry-run");
        assertThat(refused.code()).isEqualTo(ExitCode.REFUSED.code());
        assertThat(refused.out()).contains("later run(s) [" + v2.runId() + "]");
        Out recover = cli("--recover", "--dry-run");
        assertThat(recover.code()).isZero();
        assertThat(recover.out()).contains("nothing to recover");

        assertThat(everything()).as("journal, files, git, database untouched").isEqualTo(before);
        assertThat(d.fingerprint()).isEqualTo(atV2);
    }

    @Test
    void autoGoesBackToTheLastGoodRunWithProgressLinesKeepsTheDataAndThenHasNothingLeft() throws Exception {
        Out auto = cli("--auto");

        assertThat(auto.code()).as(auto.toString()).isZero();
        assertThat(auto.out()).contains("rolling back " + v2.runId())
                .contains("  undoing configure app.env ...").contains("  undone configure app.env (")
                .contains("  undone git checkout").contains("  kept snapshot shop.db: data restore skipped")
                .contains(v2.runId() + " ROLLED_BACK");
        assertThat(auto.out().indexOf("undone configure app.env")).isLessThan(auto.out().indexOf("undone git checkout"));
        assertThat(d.fingerprint()).isEqualTo(atV1);
        assertThat(d.rows()).as("without --restore-db the data stays").contains("2,written by the app after v2");

        Out again = cli("--auto");
        assertThat(again.code()).isEqualTo(ExitCode.NOTHING.code());
        assertThat(again.out()).contains("nothing to roll back: shop is at " + v1.runId());
    }

    @Test
    void toVersionWithRestoreDbRestoresTheDatabaseToo() throws Exception {
        Out out = cli("--to-version", "1", "--restore-db", "--json");

        assertThat(out.code()).as(out.toString()).isZero();
        JsonNode json = out.json();
        assertThat(json.get("outcome").asText()).isEqualTo("OK");
        assertThat(json.get("results")).hasSize(1);
        assertThat(json.get("results").get(0).get("runId").asText()).isEqualTo(v2.runId().value());
        assertThat(json.get("results").get(0).get("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(out.err()).as("progress goes to stderr with --json").contains("undone snapshot shop.db");
        assertThat(d.fingerprint()).isEqualTo(atV1);
        assertThat(d.rows()).isEqualTo(rowsAtV1);
    }

    @Test
    void oneRunIsRefusedWhileALaterOneIsAppliedAndUnknownIdsAndVersionsHaveTheirOwnCode() throws Exception {
        Map<String, String> before = everything();
        Out refused = cli("--run", v1.runId().value());
        assertThat(refused.code()).isEqualTo(ExitCode.REFUSED.code());
        assertThat(refused.out()).contains("refused, nothing changed").contains(v2.runId().value());
        Out unknown = cli("--run", "20990101-000000.000-0000ffffff");
        assertThat(unknown.code()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(unknown.out()).contains("unknown run, nothing changed").contains("20990101-000000.000-0000ffffff");
        Out noVersion = cli("--to-version", "v9");
        assertThat(noVersion.code()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(noVersion.out()).contains("no run of shop deployed version v9");
        Out failedVersion = cli("--to-version", "v3");
        assertThat(failedVersion.code()).isEqualTo(ExitCode.REFUSED.code());
        assertThat(failedVersion.out()).contains("no run of version v3 of shop is applied");
        assertThat(everything()).isEqualTo(before);

        Out two = cli("--run", v2.runId().value());
        assertThat(two.code()).as(two.toString()).isZero();
        assertThat(d.fingerprint()).isEqualTo(atV1);
        Out twice = cli("--run", v2.runId().value());
        assertThat(twice.code()).isEqualTo(ExitCode.NOTHING.code());
        assertThat(twice.out()).contains("rolled back already");
    }

    @Test
    void aTargetLockedByALiveProcessHasItsOwnCodeAndNothingChanges() throws Exception {
        try (dev.backstep.spi.Lock.Handle held = dev.backstep.spi.Lock.file(d.state())
                .acquire("shop", RunId.of("deploy-in-progress"), java.time.Duration.ZERO)) {
            Map<String, String> before = everything();

            Out out = cli("--auto");

            assertThat(out.code()).as(out.toString()).isEqualTo(ExitCode.LOCKED.code());
            assertThat(out.out()).contains("locked, nothing changed");
            assertThat(everything()).isEqualTo(before);
        }
        assertThat(cli("--auto").code()).as("once the lock is released").isZero();
        assertThat(d.fingerprint()).isEqualTo(atV1);
    }

    @Test
    void serviceScopeIsTheTargetSlashServiceAndFullIsTheWholeSystem() throws Exception {
        RunResult api1;
        try (Journal journal = Journal.directory(d.state().resolve("journal"))) {
            Runner runner = d.runner(journal);
            api1 = runner.run(d.deployApi("v1"));
            runner.markGood(api1.runId());
            runner.run(d.deployApi("v2"));
        }
        assertThat(d.apiEnv()).hasContent("API_VERSION=v2\n");

        Out list = cli("--service", "api", "--list");
        assertThat(list.out().lines()).hasSize(2).allMatch(l -> l.contains("deploy shop/api"));
        assertThat(cli("--full", "--list").out().lines()).hasSize(3).noneMatch(l -> l.contains("shop/api"));

        Out auto = cli("--service", "api", "--auto");
        assertThat(auto.code()).as(auto.toString()).isZero();
        assertThat(d.apiEnv()).hasContent("API_VERSION=v1\n");
        assertThat(d.fingerprint()).as("the rest of the system is untouched").containsAllEntriesOf(
                Map.of("git HEAD", atV2.get("git HEAD"), "app.env", atV2.get("app.env")));
    }

    @Test
    void recoverFinishesADeployWhoseProcessWasKilled() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", DeployChild.class.getName(), tmp.toString(), "v3")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String blocked;
        // bounded: a child that never gets to its BLOCKED line is killed, and readLine returns null
        java.util.concurrent.CompletableFuture.delayedExecutor(180, TimeUnit.SECONDS).execute(child::destroyForcibly);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            blocked = r.readLine();
        } finally {
            child.destroyForcibly(); // SIGKILL: the run never finishes
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(blocked).startsWith("BLOCKED ");
        RunId killed = RunId.of(blocked.substring("BLOCKED ".length()));
        assertThat(d.env()).hasContent("APP_VERSION=v3\n");
        Map<String, String> before = everything();

        Out preview = cli("--recover", "--dry-run");
        assertThat(preview.code()).as(preview.toString()).isZero();
        assertThat(preview.out()).contains("would recover " + killed + " (deploy shop v3, target shop)")
                .contains("  would undo configure app.env");
        Out list = cli("--list");
        assertThat(list.out()).contains(killed + "  deploy shop v3").contains("UNFINISHED");
        Out auto = cli("--auto");
        assertThat(auto.code()).as("an unfinished run is refused by --auto").isEqualTo(ExitCode.REFUSED.code());
        assertThat(auto.out()).contains("has not finished");
        assertThat(everything()).isEqualTo(before);

        Out recover = cli("--recover", "--json");
        assertThat(recover.code()).as(recover.toString()).isZero();
        JsonNode json = recover.json();
        assertThat(json.get("results")).hasSize(1);
        assertThat(json.get("results").get(0).get("runId").asText()).isEqualTo(killed.value());
        assertThat(json.get("results").get(0).get("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(json.get("unrecoverable")).isEmpty();
        assertThat(d.fingerprint()).isEqualTo(atV2);
        assertThat(cli("--recover").out()).contains("nothing to recover");
    }

    @Test
    void badInputGetsAClearMessageItsOwnExitCodeAndChangesNothing() throws Exception {
        Map<String, String> before = everything();

        Out unknownOption = cli("--auto", "--bogus");
        assertThat(unknownOption.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(unknownOption.err()).contains("Unknown option: '--bogus'").contains("backstep rollback --help");
        Out two = cli("--auto", "--list");
        assertThat(two.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(two.err()).contains("mutually exclusive");
        Out none = cli();
        assertThat(none.code()).isEqualTo(ExitCode.USAGE.code());
        Out badId = cli("--run", "../etc/passwd");
        assertThat(badId.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badId.out()).contains("invalid run id");
        Out serviceWithRun = cli("--run", v2.runId().value(), "--service", "api");
        assertThat(serviceWithRun.code()).isEqualTo(ExitCode.USAGE.code());
        JsonNode usageJson = cli("--auto", "--bogus", "--json").json();
        assertThat(usageJson.get("outcome").asText()).isEqualTo("USAGE");

        Out missing = cli("--auto", "--config", tmp.resolve("nowhere.properties").toString());
        assertThat(missing.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(missing.out()).contains("config file " + tmp.resolve("nowhere.properties") + " does not exist");

        Path withPassword = Files.writeString(tmp.resolve("pw.properties"),
                "journal=jdbc:postgresql://db/ops\njournal.user=ops\njournal.password=hunter2\nstateDir=state\n");
        Out pw = cli("--list", "--config", withPassword.toString());
        assertThat(pw.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(pw.out()).contains("a password is never written in the config").doesNotContain("hunter2");

        Path unsetEnv = Files.writeString(tmp.resolve("env.properties"), "journal=jdbc:postgresql://127.0.0.1:1/ops\n"
                + "journal.user=ops\njournal.passwordEnv=BACKSTEP_TEST_UNSET_PASSWORD\nstateDir=state\ntarget=shop\n");
        Out env = cli("--list", "--config", unsetEnv.toString());
        assertThat(env.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(env.out()).contains("environment variable BACKSTEP_TEST_UNSET_PASSWORD");

        Path typo = Files.writeString(tmp.resolve("typo.properties"), "journal=dir:state/journal\nstatedir=state\n");
        Out t = cli("--list", "--config", typo.toString());
        assertThat(t.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(t.out()).contains("unknown key(s) [statedir]");

        Path noJournal = Files.writeString(tmp.resolve("nojournal.properties"),
                "journal=dir:elsewhere/journal\nstateDir=elsewhere\ntarget=shop\n");
        Out nj = cli("--auto", "--config", noJournal.toString());
        assertThat(nj.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(nj.out()).contains("no journal in " + tmp.resolve("elsewhere/journal"));
        assertThat(tmp.resolve("elsewhere")).doesNotExist();

        for (String f : List.of("pw.properties", "env.properties", "typo.properties", "nojournal.properties")) {
            Files.delete(tmp.resolve(f));
        }
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void theLauncherScriptRunsTheJar() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", LAUNCHER.toString(), "rollback", "--list");
        pb.environment().put("BACKSTEP_JAR", JAR.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Out out = exec(pb);
        assertThat(out.code()).as(out.toString()).isZero();
        assertThat(out.out()).isEqualTo(cli("--list").out());

        ProcessBuilder help = new ProcessBuilder(LAUNCHER.toString(), "rollback", "--help");
        help.environment().put("BACKSTEP_JAR", JAR.toString());
        Out h = exec(help);
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("Usage: backstep rollback").contains("Exit codes:").contains("78   CONFIG");

        ProcessBuilder noJar = new ProcessBuilder(LAUNCHER.toString(), "rollback", "--list");
        noJar.environment().put("BACKSTEP_JAR", tmp.resolve("no.jar").toString());
        Out n = exec(noJar);
        assertThat(n.code()).isEqualTo(70);
        assertThat(n.err()).contains("no jar found");
    }
}
