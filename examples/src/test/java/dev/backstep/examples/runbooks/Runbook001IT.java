package dev.backstep.examples.runbooks;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Rehearsal;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.StepOutcome;
import dev.backstep.StepStatus;
import dev.backstep.StepValidationException;
import dev.backstep.examples.runbooks.Runbook001.Bot;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import dev.backstep.systemd.SystemdContainer;
import dev.backstep.systemd.SystemdException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 001 on real resources: the form bot is a real unit ({@code my_form_bot.service}) of a
 * real systemd 252 booted under systemd-nspawn (the systemd adapter's {@link SystemdContainer},
 * from its tests-jar), running Debian's python from a venv made inside the container with
 * {@code /usr/bin/python3 -m venv --system-site-packages} (the host's Debian python packages are
 * copied into the container first); packages come from a local wheel directory ({@code pip
 * --no-index --find-links}: no index is reachable); its code is a git working copy pulled from an
 * upstream repository on the host; the log check reads the unit's journal.
 */
class Runbook001IT {
    @RegisterExtension
    static final SystemdContainer BOX = new SystemdContainer();

    private static final String UNIT = "my_form_bot.service";
    private static final String TARGET = "formbot@runbook001";
    private static final String HOME = "opt/my_form_bot";
    private static final String VENV = "/" + HOME + "/venv";
    /** Debian's python, venv and the wheels venv installs pip from (files under /usr and /etc only). */
    private static final List<String> PYTHON_PACKAGES = List.of("python3.11-minimal", "libpython3.11-minimal",
            "libpython3.11-stdlib", "python3.11", "python3-minimal", "python3", "libpython3-stdlib",
            "python3.11-venv", "python3-venv", "python3-pip-whl", "python3-setuptools-whl");
    private static final CommandRunner COMMANDS = CommandRunner.local();
    private static final Path RESOURCES = resources();

    @TempDir
    Path dir;
    private Path upstream;
    private Path app;
    private Path config;
    private Journal journal;
    private Runner runner;
    private Bot bot;

    @BeforeAll
    static void installPythonAndTheBot() throws Exception {
        Path root = BOX.host("");
        for (String pkg : PYTHON_PACKAGES) {
            CommandSpec list = CommandSpec.of("dpkg", "-L", pkg);
            String files;
            try {
                files = COMMANDS.run(list).stdout();
            } catch (RuntimeException e) {
                throw new IllegalStateException(pkg + " is not installed on this machine: apt-get install -y "
                        + "python3-venv (.ci/run does it)", e);
            }
            for (String f : files.split("\n")) {
                if (!(f.startsWith("/usr/") || f.startsWith("/etc/"))) {
                    continue;
                }
                Path src = Path.of(f);
                Path dst = root.resolve(f.substring(1));
                if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)
                        || !Files.exists(src, LinkOption.NOFOLLOW_LINKS)
                        || Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Files.createDirectories(dst.getParent());
                Files.copy(src, dst, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path wheels = Files.createDirectories(BOX.host(HOME + "/wheels"));
        try (Stream<Path> s = Files.list(RESOURCES.resolve("wheels"))) {
            for (Path project : s.toList()) {
                wheel(project, wheels);
            }
        }
        inside("/usr/bin/python3", "-m", "venv", "--system-site-packages", VENV);
        inside(VENV + "/bin/pip", "install", "--disable-pip-version-check", "--no-input", "--no-index",
                "--find-links", "/" + HOME + "/wheels", "formkit==1.0.0");
        exec("cp", "-a", BOX.host(HOME + "/venv").toString(), BOX.host(HOME + "/venv-1.2.3").toString());
        Files.writeString(BOX.unitDir().resolve(UNIT), """
                [Unit]
                Description=my form bot (runbook 001)
                # the tests restart a crashing bot several times within seconds: no start rate limit
                StartLimitIntervalSec=0

                [Service]
                ExecStart=%s/bin/python -u /%s/app/bot.py /etc/my_form_bot/config.ini
                WorkingDirectory=/%s/app

                [Install]
                WantedBy=multi-user.target
                """.formatted(VENV, HOME, HOME));
        inside("systemctl", "daemon-reload");
        inside("systemctl", "enable", UNIT);
    }

    @BeforeEach
    void botRunsVersion123() throws Exception {
        inside("systemctl", "stop", UNIT);
        exec("rm", "-rf", BOX.host(HOME + "/app").toString(), BOX.host(HOME + "/venv").toString());
        exec("cp", "-a", BOX.host(HOME + "/venv-1.2.3").toString(), BOX.host(HOME + "/venv").toString());
        upstream = dir.resolve("upstream");
        Files.createDirectories(upstream);
        git(upstream, "init", "-q", "-b", "main");
        commit("1.2.3");
        app = BOX.host(HOME + "/app");
        git(dir, "clone", "-q", upstream.toString(), app.toString());
        config = BOX.host("etc/my_form_bot/config.ini");
        Files.createDirectories(config.getParent());
        Files.copy(RESOURCES.resolve("config-1.2.3.ini"), config, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        inside("systemctl", "start", UNIT);
        awaitLog("my_form_bot 1.2.3 (formkit 1.0.0, form contact us) ready");

        bot = Bot.of(TARGET, "my_form_bot", app, config, VENV)
                .inside(BOX.systemctl(), BOX.nsenter().toArray(String[]::new))
                .requirements("/" + HOME + "/app/requirements.txt")
                .findLinks("/" + HOME + "/wheels")
                .watch(Duration.ofSeconds(3))
                .within(Duration.ofSeconds(60));
        journal = Journal.directory(dir.resolve("state/journal"));
        runner = Runbook001.register(Backstep.runner(), bot).journal(journal).stateDir(dir.resolve("state")).build();
    }

    @AfterEach
    void closeJournal() throws Exception {
        journal.close();
    }

    @Test
    void newVersionThatLogsATracebackIsRolledBackAndTheRestoredBotIsVerified() throws Exception {
        State before = state();
        commit("1.4.0");

        RunResult result = Runbook001.deploy(runner, bot, RESOURCES.resolve("config-1.3.0.ini"));

        System.out.println(result.report().toText());
        assertThat(result).rolledBack().failedAt("no Traceback in the log of " + UNIT);
        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).hasStackTraceContaining("Traceback"));
        assertThat(result.compensated()).containsExactly("systemctl restart " + UNIT, "replace config",
                "pip install -r requirements.txt", "git pull origin main", "systemctl stop " + UNIT);
        assertThat(result.rollbackSteps()).extracting(StepOutcome::name).containsExactly(
                "restart " + UNIT + " on the restored version", UNIT + " active, log clean");
        assertThat(result.rollbackSteps()).extracting(StepOutcome::status)
                .containsOnly(StepStatus.SUCCEEDED);
        assertThat(state()).isEqualTo(before);
        assertThat(currentLog()).anyMatch(l -> l.contains("my_form_bot 1.2.3 (formkit 1.0.0, form contact us) ready"))
                .noneMatch(l -> l.contains("Traceback"));
        assertThat(runner.lastGood(TARGET)).isEmpty();
    }

    @Test
    void restoredBotThatStillLogsATracebackEndsRollbackFailedNamingThePostRollbackCheck() throws Exception {
        // the config in place was broken by hand while 1.2.3 ran (it reads it at start only): the
        // rollback restores exactly that, and the restarted 1.2.3 dies with a KeyError
        Files.writeString(config, "[bot]\nname = contact us\n");
        commit("1.4.0");
        // within only bounds the wait for a bot that logs nothing; a Traceback fails the check at once,
        // so a generous bound costs nothing and holds on a loaded machine (20 s flaked under load)
        Bot quick = bot.within(Duration.ofSeconds(90));
        Runner checked = Runbook001.register(Backstep.runner(), quick).journal(journal)
                .stateDir(dir.resolve("state")).build();

        RunResult result = Runbook001.deploy(checked, quick, RESOURCES.resolve("config-1.3.0.ini"));

        assertThat(result).rollbackFailed();
        assertThat(result.compensated()).hasSize(5);
        assertThat(result.rollbackSteps()).extracting(StepOutcome::status)
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED);
        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f)
                .hasStackTraceContaining(UNIT + " active, log clean").hasStackTraceContaining("KeyError: 'form'"));
        assertThat(config).hasContent("[bot]\nname = contact us");
        assertThat(git(app, "log", "-1", "--format=%s").strip()).isEqualTo("my_form_bot 1.2.3");
    }

    @Test
    void succeededUpdateIsRolledBackLaterByAFreshRunnerThatKnowsOnlyTheRegistry() throws Exception {
        State before = state();
        commit("1.3.0");
        Plan plan = Runbook001.deployPlan(bot, RESOURCES.resolve("config-1.3.0.ini"));

        // the deploy's rollback restores every fingerprint (units, git, config, pip freeze), then it is applied
        Rehearsal rehearsal = runner.rehearse(plan);

        System.out.println(rehearsal.toText());
        assertThat(rehearsal.restoredExactly()).as(rehearsal.toText()).isTrue();
        assertThat(rehearsal.before()).extracting(f -> f.resource())
                .contains("pip:" + VENV, "file:" + config);
        assertThat(rehearsal.rollbackRun().rollbackSteps()).extracting(StepOutcome::status)
                .containsOnly(StepStatus.SUCCEEDED);
        assertThat(rehearsal.reapplied()).as(rehearsal.toText()).isTrue();
        RunResult deployed = rehearsal.secondRun().orElseThrow();
        assertThat(state()).isNotEqualTo(before);
        assertThat(state().freeze()).isEqualTo("formkit==2.0.0\nslugkit==1.0.0\n");
        assertThat(currentLog()).anyMatch(l -> l.contains("my_form_bot 1.3.0 (formkit 2.0.0, form contact us) ready"));
        journal.close();

        // another process: a runner that knows the bot's registered types, not the plan
        try (Journal again = Journal.directory(dir.resolve("state/journal"))) {
            Runner fresh = Runbook001.register(Backstep.runner(), bot).journal(again)
                    .stateDir(dir.resolve("state")).build();

            RunResult back = fresh.rollback(deployed.runId());

            assertThat(back).rolledBack();
            assertThat(back.rollbackSteps()).extracting(StepOutcome::status).containsOnly(StepStatus.SUCCEEDED);
            assertThat(back.rollbackSteps()).hasSize(2);
        }
        assertThat(state()).isEqualTo(before);
        assertThat(currentLog()).anyMatch(l -> l.contains("my_form_bot 1.2.3 (formkit 1.0.0, form contact us) ready"));
        journal = Journal.directory(dir.resolve("state/journal"));
    }

    @Test
    void dryRunShowsEveryStepAndTheRollbackPhaseAndChangesNothing() throws Exception {
        State before = state();
        commit("1.3.0");

        DryRun preview = runner.dryRun(Runbook001.deployPlan(bot, RESOURCES.resolve("config-1.3.0.ini")));

        System.out.println(preview.toText());
        assertThat(preview.valid()).as(preview.problems().toString()).isTrue();
        assertThat(preview.steps()).extracting(DryRun.StepPreview::name).containsExactly(
                "systemctl stop " + UNIT, "git pull origin main", "pip install -r requirements.txt",
                "replace config", "systemctl restart " + UNIT, UNIT + " healthy",
                "no Traceback in the log of " + UNIT, "restart " + UNIT + " on the restored version",
                UNIT + " active, log clean");
        assertThat(preview.toText()).contains("nothing will be executed")
                .contains("--no-index --find-links /" + HOME + "/wheels -r /" + HOME + "/app/requirements.txt")
                .contains("undo: back to the recorded pip freeze")
                .contains("runs only in a rollback, after every compensation");
        assertThat(state()).isEqualTo(before);
        assertThat(runner.history(TARGET)).isEmpty();
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() throws Exception {
        State before = state();
        commit("1.3.0");

        assertThatThrownBy(() -> Bot.of(" ", "my_form_bot", app, config, VENV))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> Bot.of(TARGET, "my_form_bot;reboot", app, config, VENV))
                .isInstanceOf(PlanDefinitionException.class).isInstanceOf(BackstepException.class)
                .hasMessageContaining("not a valid unit name");
        assertThatThrownBy(() -> bot.requirements("/x\n--index-url=http://evil"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("newline");
        assertThatThrownBy(() -> bot.watch(Duration.ofSeconds(-1)))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("watch");
        assertThatThrownBy(() -> runner.run(Runbook001.deployPlan(bot, dir.resolve("no-such-config.ini"))))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("no-such-config.ini");
        Bot noVenv = Bot.of(TARGET, "my_form_bot", app, config, "/" + HOME + "/no-venv")
                .inside(BOX.systemctl(), BOX.nsenter().toArray(String[]::new));
        assertThatThrownBy(() -> runner.run(Runbook001.deployPlan(noVenv, RESOURCES.resolve("config-1.3.0.ini"))))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("no-venv/bin/pip");
        assertThatThrownBy(() -> Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build()
                .run(Runbook001.deployPlan(bot, RESOURCES.resolve("config-1.3.0.ini"))))
                .isInstanceOf(StepValidationException.class).hasMessageContaining(Runbook001.PIP_SYNC);
        assertThat(state()).isEqualTo(before);
    }

    // --- the bot's state, as it is compared before and after ---

    /** What an update touches: code, config bytes and mode, the venv's packages, the unit's state. */
    record State(String head, String branch, String status, String config, String configMode, String freeze,
                 String active, String enabled) {
    }

    private State state() throws IOException {
        return new State(git(app, "rev-parse", "HEAD").strip(), git(app, "rev-parse", "--abbrev-ref", "HEAD").strip(),
                git(app, "status", "--porcelain"), Files.readString(config),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(config)),
                Runbook001.freeze(COMMANDS, bot.pip()), inside("systemctl", "is-active", UNIT).strip(),
                inside("systemctl", "is-enabled", UNIT).strip());
    }

    /** The log of the unit's current invocation. */
    private static List<String> currentLog() {
        String id = inside("systemctl", "show", "-p", "InvocationID", "--value", UNIT).strip();
        return List.of(inside("journalctl", "-o", "cat", "--no-pager", "_SYSTEMD_INVOCATION_ID=" + id).split("\n"));
    }

    private static void awaitLog(String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!currentLog().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bot did not log '" + line + "' within 60 s: " + currentLog());
            }
            Thread.sleep(200);
        }
    }

    /** Makes {@code version}'s files the upstream's new commit on main, tagged {@code v<version>}. */
    private void commit(String version) throws IOException {
        try (Stream<Path> s = Files.list(RESOURCES.resolve("bot/" + version))) {
            for (Path f : s.toList()) {
                Files.copy(f, upstream.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        git(upstream, "add", "-A");
        git(upstream, "commit", "-q", "-m", "my_form_bot " + version);
        git(upstream, "tag", "v" + version);
    }

    private static String git(Path in, String... args) {
        return RunbookTests.git("001", in, args);
    }

    /** Runs a program inside the container; {@code systemctl is-active} and friends may exit non-zero. */
    private static String inside(String... argv) {
        List<String> all = new ArrayList<>(BOX.nsenter());
        all.addAll(List.of(argv));
        return COMMANDS.run(CommandSpec.of(all).successCodes(0, 1, 3, 4).timeout(Duration.ofMinutes(5))).stdout();
    }

    private static void exec(String... argv) {
        COMMANDS.run(CommandSpec.of(argv).timeout(Duration.ofMinutes(2)));
    }

    /**
     * Zips {@code wheels/<name>-<version>/} into {@code <name>-<version>-py3-none-any.whl} with its
     * METADATA, WHEEL and RECORD (sha256 per file), the format pip installs from {@code --find-links}.
     */
    private static void wheel(Path project, Path into) throws Exception {
        String dist = project.getFileName().toString();
        int dash = dist.lastIndexOf('-');
        String name = dist.substring(0, dash);
        String version = dist.substring(dash + 1);
        String info = dist + ".dist-info/";
        List<String[]> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(project)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.add(new String[] {project.relativize(p).toString(), Files.readString(p)});
            }
        }
        files.add(new String[] {info + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version
                + "\nSummary: runbook 001 test package\n"});
        files.add(new String[] {info + "WHEEL", "Wheel-Version: 1.0\nGenerator: Runbook001IT\n"
                + "Root-Is-Purelib: true\nTag: py3-none-any\n"});
        StringBuilder record = new StringBuilder();
        Path whl = into.resolve(dist + "-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(whl); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String[] f : files) {
                byte[] bytes = f[1].getBytes(StandardCharsets.UTF_8);
                zip.putNextEntry(new ZipEntry(f[0]));
                zip.write(bytes);
                zip.closeEntry();
                String sha = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
                record.append(f[0]).append(",sha256=").append(sha).append(',').append(bytes.length).append('\n');
            }
            record.append(info).append("RECORD,,\n");
            zip.putNextEntry(new ZipEntry(info + "RECORD"));
            zip.write(record.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    private static Path resources() {
        return RunbookTests.resource("/runbook001");
    }
}
