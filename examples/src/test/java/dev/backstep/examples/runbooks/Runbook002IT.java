package dev.backstep.examples.runbooks;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.DryRun;
import dev.backstep.Fingerprint;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.StepKind;
import dev.backstep.StepOutcome;
import dev.backstep.StepStatus;
import dev.backstep.StepValidationException;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.db.journal.PostgresServer;
import dev.backstep.db.migrate.AlembicProject;
import dev.backstep.db.migrate.AlembicProject.Revision;
import dev.backstep.db.migrate.AlembicUpgrade;
import dev.backstep.db.migrate.CommandMigrationsFixtures;
import dev.backstep.db.migrate.Migrations;
import dev.backstep.examples.runbooks.Runbook002.Bot;
import dev.backstep.examples.runbooks.Runbook002.Services;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import dev.backstep.systemd.Runbook002Systemd;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.SystemdException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 002 on real resources: the bot's git repository cloned from an upstream that gains two
 * commits (a migration, then the code), an embedded PostgreSQL 15 whose bot role authenticates with
 * its password (scram-sha-256; it reaches alembic only as the secret {@code BOT_DB_PASSWORD}),
 * Debian's {@code /usr/bin/alembic} with psycopg2, Debian's pytest, a {@code .env} with mode 0600,
 * and the bot as the unit {@code pthn_bot.service} of a real systemd booted under systemd-nspawn (the
 * systemd adapter's test container): the plan is the one a Windows host runs, with the systemd
 * manager in place of {@link WindowsServices}.
 */
class Runbook002IT {
    private static final String PASSWORD = "runbook-002-Pa55w0rd";
    private static final String TOKEN = "123456:runbook-002-telegram-token";
    private static final String TARGET = "pthn_bot@runbook002";
    private static final String UNIT = "pthn_bot.service";
    private static final String ALEMBIC = "/usr/bin/alembic";
    private static final AtomicInteger N = new AtomicInteger();
    private static final Revision USERS = new Revision("0001_users", "the bot's users", "0001", null,
            List.of("CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)",
                    "INSERT INTO users VALUES (1, 'Оксана'), (2, 'Taras')"),
            List.of("DROP TABLE users"));
    private static final Revision LANGUAGE = new Revision("0002_language",
            "each user's language; names normalised to upper case (not reversible: the dump is)", "0002", "0001",
            List.of("ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'uk'",
                    "UPDATE users SET name = upper(name)"),
            List.of("ALTER TABLE users DROP COLUMN language"));

    @RegisterExtension
    static final Runbook002Systemd BOX = new Runbook002Systemd();
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.withPasswordRole("bot_app", PASSWORD);

    @TempDir
    Path dir;
    private Path upstream;
    private Path app;
    private String database;
    private Database db;
    private Services services;
    private ServiceManager systemd;
    private Bot bot;
    private Journal journal;
    private Runner runner;
    private final CommandRunner commands = CommandRunner.local();

    /** Version 1 of the bot deployed and running: cloned, .env written, schema at 0001, unit active. */
    @BeforeEach
    void deployVersion1() throws Exception {
        database = "pthn_bot_" + N.incrementAndGet();
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database + " OWNER bot_app");
        }
        upstream = CommandMigrationsFixtures.copyTree(RunbookTests.resource("/runbook002/bot"), dir.resolve("upstream"));
        AlembicProject.write(upstream, "BOT", USERS);
        Files.move(upstream.resolve("gitignore"), upstream.resolve(".gitignore"));
        Files.move(upstream.resolve("env.example"), upstream.resolve(".env.example"));
        git(upstream, "init", "-q", "-b", "main");
        git(upstream, "add", "-A");
        git(upstream, "commit", "-q", "-m", "pthn_bot 1: greets by name");
        app = dir.resolve("pthn_bot");
        git(dir, "clone", "-q", upstream.toString(), app.toString());
        Files.writeString(app.resolve(".env"), "# pthn_bot\nBOT_TOKEN=" + TOKEN + "\nBOT_DB_URL=" + url() + "\n");
        Files.setPosixFilePermissions(app.resolve(".env"), PosixFilePermissions.fromString("rw-------"));
        commands.run(CommandSpec.of(ALEMBIC, "-c", "alembic.ini", "upgrade", "head").in(app)
                .env("BOT_DB_URL", url()).env("BOT_DB_PASSWORD", Secret.of(PASSWORD)));

        services = Services.systemd(BOX.systemctl());
        systemd = services.manager(commands);
        Files.writeString(BOX.unitDir().resolve(UNIT), "[Unit]\nDescription=pthn_bot, the Telegram bot\n"
                + "[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n");
        systemd.daemonReload();
        systemd.start(UNIT);

        db = Db.postgres(DbConnection.of("127.0.0.1", pg.getPort(), database, "bot_app", Secret.of(PASSWORD)));
        bot = Bot.of(TARGET, app, "pthn_bot", services, db, alembic()).backups(dir.resolve("backups"));
        journal = Journal.directory(dir.resolve("state/journal"));
        runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build();
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    @Test
    void updateWhosePytestFailsIsRolledBackToTheRecordedHeadNotHeadMinusOne() throws Exception {
        String upstreamHead = publishUpdate(true);
        State before = state();
        assertThat(git(upstream, "rev-list", "--count", before.head() + ".." + upstreamHead).strip())
                .as("the pull brings two commits").isEqualTo("2");

        RunResult result = runner.run(Runbook002.deployPlan(bot, Map.of("BOT_LANGUAGE", "uk")));

        assertThat(result).rolledBack().failedAt("pytest tests");
        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).hasMessageNotContaining(PASSWORD));
        assertThat(result.compensated()).containsSubsequence("update .env", "alembic upgrade head",
                "git pull origin main", "back up the database", "stop service " + UNIT);
        assertThat(state()).isEqualTo(before);
        assertThat(revision()).isEqualTo("0001");
        assertThat(names()).containsExactly("Оксана", "Taras"); // upper() of 0002 undone by the dump, not the downgrade
        // the runbook's `git reset --hard HEAD~1` would have left the bot on the migration commit
        assertThat(git(upstream, "rev-parse", upstreamHead + "~1").strip()).isNotEqualTo(before.head());
        assertThat(result.rollbackSteps()).extracting(StepOutcome::name, StepOutcome::kind, StepOutcome::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("pytest tests after rollback", StepKind.VERIFICATION, StepStatus.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple(UNIT + " is running after rollback", StepKind.VERIFICATION,
                                StepStatus.SUCCEEDED));
        assertThat(journalText()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }

    @Test
    void updateWhoseEnvLacksAKeyOfEnvExampleIsRolledBackBeforeTheBotStarts() throws Exception {
        publishUpdate(false);
        State before = state();

        RunResult result = runner.run(Runbook002.deployPlan(bot, Map.of()));

        assertThat(result).rolledBack().failedAt(".env has every key of .env.example");
        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).hasMessageContaining("BOT_LANGUAGE")
                .hasMessageNotContaining(TOKEN));
        assertThat(result.step("start service " + UNIT).status()).isEqualTo(StepStatus.NOT_RUN);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void succeededUpdateIsRolledBackLaterByAFreshProcessFromTheJournalAlone() throws Exception {
        String upstreamHead = publishUpdate(false);
        State before = state();

        RunResult result = runner.run(Runbook002.deployPlan(bot, Map.of("BOT_LANGUAGE", "uk")));

        assertThat(result).succeeded();
        assertThat(git(app, "rev-parse", "HEAD").strip()).isEqualTo(upstreamHead);
        assertThat(revision()).isEqualTo("0002");
        assertThat(names()).containsExactly("ОКСАНА", "TARAS");
        assertThat(Files.readString(app.resolve(".env"))).contains("BOT_LANGUAGE=uk\n").contains(TOKEN);
        assertThat(Files.getPosixFilePermissions(app.resolve(".env"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(systemd.isActive(UNIT)).isTrue();
        assertThat(dumps()).isNotEmpty().allSatisfy(d -> assertThat(Files.getPosixFilePermissions(d))
                .isEqualTo(PosixFilePermissions.fromString("rw-------")));
        journal.close();

        RunbookTests.Exit rollback = RunbookTests.runJava(dir.resolve("rollback.log"), Duration.ofMinutes(5),
                Map.of("BOT_DB_PASSWORD", PASSWORD), Runbook002RollbackMain.class, dir.resolve("state/journal").toString(),
                dir.resolve("state").toString(), result.runId().value(), "127.0.0.1", Integer.toString(pg.getPort()),
                database, "bot_app");
        String out = rollback.out();

        assertThat(rollback.code()).as(out).isZero();
        assertThat(out).contains("status ROLLED_BACK").contains("after rollback: pytest tests after rollback SUCCEEDED")
                .contains("after rollback: " + UNIT + " is running after rollback SUCCEEDED").doesNotContain(PASSWORD);
        assertThat(state()).isEqualTo(before);
        assertThat(revision()).isEqualTo("0001");
        assertThat(names()).containsExactly("Оксана", "Taras");
        assertThat(journalText()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }

    @Test
    void dryRunExecutesNothingAndShowsEachStepInOrder() throws Exception {
        publishUpdate(false);
        State before = state();

        DryRun preview = runner.dryRun(Runbook002.deployPlan(bot, Map.of("BOT_LANGUAGE", "uk")));

        assertThat(preview.valid()).as(preview.problems().toString()).isTrue();
        assertThat(preview.steps()).extracting(DryRun.StepPreview::name).containsExactly(
                "stop service " + UNIT, "back up the database", "back up .env", "git pull origin main",
                "alembic upgrade head", "update .env", ".env has every key of .env.example", "pytest tests",
                "start service " + UNIT, UNIT + " is running", "pytest tests after rollback",
                UNIT + " is running after rollback");
        assertThat(preview.toText()).contains("nothing will be executed").contains("restored on rollback")
                .contains("undo: start it again if it was running")
                .contains("BOT_LANGUAGE").doesNotContain(PASSWORD).doesNotContain(TOKEN);
        RunbookTests.assertChangedNothing(before, state(), dir.resolve("backups"), runner, TARGET);
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() throws Exception {
        publishUpdate(false);
        State before = state();

        assertThatThrownBy(() -> Bot.of(TARGET, app, "pthn bot; rm -rf /", services, db, alembic()))
                .isInstanceOf(PlanDefinitionException.class).isInstanceOf(BackstepException.class)
                .hasMessageContaining("not a valid unit name");
        assertThatThrownBy(() -> Bot.of(TARGET, app, "pthn_bot'; Stop-Computer; '", Services.windows(), db, alembic()))
                .isInstanceOf(SystemdException.class).hasMessageContaining("not a valid Windows service name");
        assertThatThrownBy(() -> Runbook002.deployPlan(bot, Map.of(" ", "x")))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining(".env change");
        assertThatThrownBy(() -> new Bot(TARGET, app, "origin", "main", "pthn_bot", services, db, alembic(),
                dir.resolve("backups"), "/usr/bin/python3", "../elsewhere", List.of()))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("inside the app directory");
        Bot ghost = Bot.of(TARGET, app, "no_such_bot", services, db, alembic()).backups(dir.resolve("backups"));
        assertThatThrownBy(() -> runner.run(Runbook002.deployPlan(ghost, Map.of("BOT_LANGUAGE", "uk"))))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("no_such_bot.service");
        assertThat(state()).isEqualTo(before);
        assertThat(dir.resolve("backups")).doesNotExist();
    }

    // --- the bot's state, as it is compared before and after ---

    /** Everything an update touches: git HEAD and branch, worktree, .env bytes and mode, tables, revision, unit. */
    record State(String head, String branch, String status, String env, String envMode, List<Fingerprint> tables,
                 String revision, String unit) {
    }

    private State state() throws Exception {
        Path env = app.resolve(".env");
        return new State(git(app, "rev-parse", "HEAD").strip(), git(app, "rev-parse", "--abbrev-ref", "HEAD").strip(),
                git(app, "status", "--porcelain"), new String(Files.readAllBytes(env), StandardCharsets.UTF_8),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(env)), db.fingerprint(), revision(),
                systemd.show(UNIT, "ActiveState", "SubState").toString());
    }

    /** Two commits upstream: migration 0002 with its new .env key, then the code (broken or not). */
    private String publishUpdate(boolean brokenBot) throws IOException {
        Path update = RunbookTests.resource("/runbook002/update");
        LANGUAGE.writeTo(upstream);
        Files.copy(update.resolve("env.example"), upstream.resolve(".env.example"), StandardCopyOption.REPLACE_EXISTING);
        git(upstream, "add", "-A");
        git(upstream, "commit", "-q", "-m", "0002: each user's language");
        Files.copy(update.resolve(brokenBot ? "bot_broken.py" : "bot.py"), upstream.resolve("bot.py"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(update.resolve("tests/test_bot.py"), upstream.resolve("tests/test_bot.py"),
                StandardCopyOption.REPLACE_EXISTING);
        git(upstream, "add", "-A");
        git(upstream, "commit", "-q", "-m", "pthn_bot 2: greets in the user's language");
        return git(upstream, "rev-parse", "HEAD").strip();
    }

    private AlembicUpgrade alembic() {
        return Migrations.alembic(app).program(ALEMBIC).config("alembic.ini").env("BOT_DB_URL", url())
                .env("BOT_DB_PASSWORD", Secret.of(PASSWORD));
    }

    private String url() {
        return "postgresql://bot_app@127.0.0.1:" + pg.getPort() + "/" + database;
    }

    private String revision() throws SQLException {
        List<String> rows = rows("SELECT version_num FROM alembic_version");
        return rows.isEmpty() ? "base" : String.join(",", rows);
    }

    private List<String> names() throws SQLException {
        return rows("SELECT name FROM users ORDER BY id");
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = admin(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database, "postgres", "");
    }

    private List<Path> dumps() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("backups"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".env")).sorted().toList();
        }
    }

    private String journalText() throws IOException {
        return RunbookTests.journalText(dir.resolve("state/journal"));
    }

    private String git(Path in, String... args) {
        return RunbookTests.git("002", in, args);
    }
}
