package dev.backstep.examples.runbooks;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.DryRun;
import dev.backstep.Fingerprint;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.db.journal.PostgresServer;
import dev.backstep.db.migrate.AlembicProject;
import dev.backstep.db.migrate.AlembicProject.Revision;
import dev.backstep.db.migrate.Migrations;
import dev.backstep.docker.Compose;
import dev.backstep.docker.ComposeCli;
import dev.backstep.docker.DockerEngine;
import dev.backstep.examples.runbooks.Runbook004.Samokoder;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 004 on real resources: a real {@code dockerd} and {@code docker-compose} (v1) from the
 * docker adapter's test harness ({@link DockerEngine}), busybox images {@code samokoder:<version>}
 * built {@code FROM scratch} for api, worker and frontend (each serves {@code /health} and its
 * version's Prometheus {@code /metrics}); a PostgreSQL 15 (embedded) migrated by Debian's
 * {@code /usr/bin/alembic} on this host (the images hold no Python); and a loopback
 * {@link HttpServer} standing in for Prometheus, which scrapes the running API's {@code /metrics}
 * through its published port at every request.
 */
@ExtendWith(DockerEngine.class)
class Runbook004IT {
    private static final String TARGET = "samokoder@runbook004";
    private static final String OLD_SECRET = "old-secret-key-4f1c";
    private static final String NEW_SECRET = "new-secret-key-9b7e-do-not-leak";
    private static final String GOOD = String.join("\n",
            "# TYPE samokoder_http_requests_total counter",
            "samokoder_http_requests_total{status=\"200\"} 995",
            "samokoder_http_requests_total{status=\"500\"} 5",
            "# TYPE samokoder_http_request_duration_seconds histogram",
            "samokoder_http_request_duration_seconds_bucket{le=\"2.0\"} 990",
            "samokoder_http_request_duration_seconds_bucket{le=\"5.0\"} 999",
            "samokoder_http_request_duration_seconds_bucket{le=\"+Inf\"} 1000",
            "samokoder_http_request_duration_seconds_count 1000", "");
    private static final String BAD = GOOD.replace("{status=\"200\"} 995", "{status=\"200\"} 800")
            .replace("{status=\"500\"} 5", "{status=\"500\"} 200");
    private static final AtomicInteger N = new AtomicInteger();
    /** The API's migrations: v1.2.3 runs on 0002; 0003 drops the temporary files' rows (only the dump brings them back). */
    private static final Revision[] MIGRATIONS = {
        new Revision("0001_users_projects_files", "users, projects, files", "0001", null, List.of(
                "CREATE TABLE users (id INT PRIMARY KEY, email TEXT NOT NULL)",
                "CREATE TABLE projects (id INT PRIMARY KEY, user_id INT NOT NULL REFERENCES users(id), name TEXT)",
                "CREATE TABLE files (id INT PRIMARY KEY, project_id INT NOT NULL REFERENCES projects(id), path TEXT)",
                "INSERT INTO users VALUES (1, 'ann@samokoder.dev'), (2, 'boris@samokoder.dev'), (3, 'vera@samokoder.dev')",
                "INSERT INTO projects VALUES (10, 1, 'todo'), (11, 2, 'shop')",
                "INSERT INTO files VALUES (100, 10, 'main.py'), (101, 10, 'cache.tmp'), (102, 11, 'app.py'),"
                        + " (103, 11, 'build.tmp')"),
                List.of("DROP TABLE files", "DROP TABLE projects", "DROP TABLE users")),
        new Revision("0002_project_slug", "projects.slug", "0002", "0001",
                List.of("ALTER TABLE projects ADD COLUMN slug TEXT", "UPDATE projects SET slug = name"),
                List.of("ALTER TABLE projects DROP COLUMN slug")),
        new Revision("0003_file_checksums",
                "files.checksum; temporary files dropped (their rows are lost: only the dump brings them back)",
                "0003", "0002", List.of("ALTER TABLE files ADD COLUMN checksum TEXT",
                        "UPDATE files SET checksum = md5(path)", "DELETE FROM files WHERE path LIKE '%.tmp'"),
                List.of("ALTER TABLE files DROP COLUMN checksum"))};
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();
    private static boolean imagesBuilt;

    @TempDir
    Path tmp;
    private Path dir;
    private Path app;
    private Path env;
    private String dbUrl;
    private String dbName;
    private int apiPort;
    private URI federate;
    private Database db;
    private HttpServer prometheus;
    private Journal journal;
    private Runner runner;
    private Samokoder site;
    private final CommandRunner commands = CommandRunner.local();

    @BeforeEach
    void samokoder() throws Exception {
        buildImages();
        String database = "samokoder_" + N.incrementAndGet();
        dbName = database;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        dbUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/" + database;
        db = Db.postgres(DbConnection.of("127.0.0.1", pg.getPort(), database, "postgres", Secret.of("unused")));

        dir = Files.createDirectories(tmp.resolve("samokoder" + Long.toHexString(System.nanoTime())));
        app = AlembicProject.write(dir.resolve("api"), "SAMOKODER", MIGRATIONS);
        alembic("upgrade", "0002"); // what v1.2.3 runs on
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            apiPort = s.getLocalPort();
        }
        Files.writeString(dir.resolve("docker-compose.yml"), String.join("\n",
                "version: '2.4'",
                "services:",
                "  api:",
                "    image: samokoder:${APP_VERSION}",
                "    init: true",
                "    ports: [\"127.0.0.1:${API_PORT}:8080\"]",
                "    healthcheck:",
                "      test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/health\"]",
                "      interval: 1s",
                "      timeout: 5s",
                "      retries: 60",
                "  worker:",
                "    image: samokoder:${APP_VERSION}",
                "    init: true",
                "  frontend:",
                "    image: samokoder:${APP_VERSION}",
                "    init: true",
                ""));
        env = dir.resolve(".env");
        Files.writeString(env, "# samokoder\nAPP_VERSION=1.2.3\nAPI_PORT=" + apiPort + "\nSECRET_KEY=" + OLD_SECRET + "\n");
        compose("up", "-d");

        prometheus = prometheus(URI.create("http://127.0.0.1:" + apiPort + "/metrics"));
        federate = URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort()
                + "/federate?match%5B%5D=%7Bjob%3D%22samokoder-api%22%7D");
        site = site(dir, app, dbUrl, db, apiPort, federate, DockerEngine.host());
        journal = Journal.directory(tmp.resolve("state/journal"));
        runner = Runbook004.register(Backstep.runner().journal(journal).stateDir(tmp.resolve("state")), site).build();
        waitHealthy(site.health());
    }

    /** The installation as the test and the later process ({@link Runbook004LaterRollback}) both configure it. */
    static Samokoder site(Path dir, Path app, String dbUrl, Database db, int apiPort, URI federate, String dockerHost) {
        Compose compose = Compose.project(dir).file("docker-compose.yml").envFile(".env")
                .dockerHost(dockerHost).cli(ComposeCli.v1());
        return Samokoder.of(TARGET, compose,
                        Migrations.alembic(app).program("/usr/bin/alembic").config("alembic.ini")
                                .env("SAMOKODER_DB_URL", dbUrl),
                        db, URI.create("http://127.0.0.1:" + apiPort + "/"), federate)
                .minRows(Map.of("users", 3L, "projects", 2L, "files", 4L))
                .composeCommand(dockerHost, "docker-compose", "-f", dir.resolve("docker-compose.yml").toString(),
                        "--env-file", dir.resolve(".env").toString())
                .verifyWithin(Duration.ofSeconds(20));
    }

    @AfterEach
    void down() throws Exception {
        if (prometheus != null) {
            prometheus.stop(0);
        }
        if (journal != null) {
            journal.close();
        }
        if (dir != null && Files.exists(env)) {
            compose("down", "-t", "1");
        }
    }

    @Test
    void deployWhose5xxRateIsAboveFivePercentIsRolledBackToExactlyThePreviousStateAndVerified() throws Exception {
        State before = state();
        assertThat(before.images().values()).allMatch(s -> s.endsWith(" running"));

        RunResult result = Runbook004.deploy(runner, site, "1.3.0", Map.of("SECRET_KEY", Secret.of(NEW_SECRET)));

        System.out.println(result.report().toText());
        System.out.println("runbook 004 RTO (5xx gate failed -> rollback verified): "
                + result.rto().map(d -> d.toMillis() + " ms").orElse("none"));
        assertThat(result).rolledBack().failedAt("5xx below 5 %")
                .ranAfterRollback("compose up -d (restored)", "health after rollback",
                        "5xx below 1 % after rollback", "p95 at most 2 s after rollback", "rows in files at least 4",
                        "rows in projects at least 2", "rows in users at least 3", "foreign keys valid");
        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).hasMessageContaining("0.2"));
        // the deploy did run: the migration and the new images, before the gate failed
        assertThat(result.step("alembic upgrade").summary()).hasValueSatisfying(s -> assertThat(s).contains("0002 -> 0003"));
        assertThat(result.step("health check").status().name()).isEqualTo("SUCCEEDED");
        assertThat(result.compensated()).containsSubsequence("compose up 1.3.0", "alembic upgrade", "configure .env",
                "backup database", "stop api and worker");
        assertThat(state()).isEqualTo(before);
        assertThat(result.rto()).hasValueSatisfying(rto -> assertThat(rto).isPositive().isLessThan(Duration.ofMinutes(5)));
        long rtoMs = result.rto().orElseThrow().toMillis();
        assertThat(result.report().toText()).contains("RTO: " + rtoMs + " ms");
        assertThat(result.report().toJson()).contains("\"rtoMillis\":" + rtoMs);
        assertThat(journalText()).doesNotContain(NEW_SECRET).doesNotContain(OLD_SECRET); // the .env backup is 0600, not journaled
        assertThat(result.report().toText()).doesNotContain(NEW_SECRET);
    }

    @Test
    void aSucceededDeployIsRolledBackLaterByAFreshRunnerFromTheJournalAlone() throws Exception {
        State before = state();
        RunResult deployed = Runbook004.deploy(runner, site, "1.4.0", Map.of("SECRET_KEY", Secret.of(NEW_SECRET)));
        assertThat(deployed).succeeded();
        State after = state();
        assertThat(after.images()).isNotEqualTo(before.images());
        assertThat(after.env()).contains("APP_VERSION=1.4.0").doesNotContain(OLD_SECRET);
        assertThat(after.tables()).isNotEqualTo(before.tables());
        journal.close();
        journal = null;

        // the operator command (runbook 004's rollback.sh), as a subprocess on this journal: it lists
        // the deploy and previews its rollback step by step, changing nothing
        String[] command = {"rollback", "--journal", "dir:" + tmp.resolve("state/journal"),
                "--state-dir", tmp.resolve("state").toString(), "--target", site.target()};
        String[] listed = backstep(command, "--list");
        assertThat(listed[0]).as(listed[1]).isEqualTo("0");
        assertThat(listed[1]).contains(deployed.runId().value());
        String[] preview = backstep(command, "--run", deployed.runId().value(), "--dry-run");
        assertThat(preview[0]).as(preview[1]).isEqualTo("0");
        assertThat(preview[1]).contains("would roll back " + deployed.runId().value(),
                "would undo compose up 1.4.0", "would undo stop api and worker");
        assertThat(state()).isEqualTo(after);

        // another JVM: no plan, no state of this one; only the journal and the operator's configuration
        RunbookTests.Exit later = RunbookTests.runJava(tmp.resolve("later-rollback.log"), Duration.ofMinutes(4), Map.of(),
                Runbook004LaterRollback.class, tmp.resolve("state").toString(), dir.toString(), app.toString(), dbUrl,
                Integer.toString(pg.getPort()), dbName, Integer.toString(apiPort), federate.toString(),
                DockerEngine.host(), deployed.runId().value());
        String out = later.out();
        System.out.println(out);

        assertThat(later.code()).as(out).isZero();
        assertThat(out).contains(": ROLLED_BACK in ", "RTO: ", "compensated, in order: compose up 1.4.0 <- alembic upgrade"
                + " <- configure .env <- backup database <- stop api and worker", "foreign keys valid")
                .doesNotContain(NEW_SECRET);
        for (String check : new String[] {"compose up -d (restored)", "health after rollback",
                "5xx below 1 % after rollback", "p95 at most 2 s after rollback", "rows in files at least 4",
                "foreign keys valid"}) {
            assertThat(out.lines().filter(l -> !l.startsWith("{") && l.contains(check) && l.contains("SUCCEEDED")))
                    .as(check).hasSize(1);
        }
        assertThat(out.lines().filter(l -> l.startsWith("{")).findFirst()).hasValueSatisfying(json -> assertThat(json)
                .contains("\"status\":\"ROLLED_BACK\"", "\"stillApplied\":[]").containsPattern("\"rtoMillis\":[0-9]+,"));
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void dryRunShowsEveryStepWithTheSecretMaskedAndChangesNothing() throws Exception {
        State before = state();

        DryRun preview = runner.dryRun(Runbook004.deployPlan(site, "1.3.0", Map.of("SECRET_KEY", Secret.of(NEW_SECRET))));

        assertThat(preview.valid()).as(preview.problems().toString()).isTrue();
        assertThat(preview.steps()).extracting(DryRun.StepPreview::name).containsSubsequence(
                "stop api and worker", "backup database", "configure .env", "alembic upgrade", "compose up 1.3.0",
                "api container healthy", "health check", "5xx below 5 %", "p95 latency at most 5 s");
        String text = preview.toText();
        System.out.println(text);
        assertThat(text).contains("nothing will be executed", "restored on rollback", "APP_VERSION=1.3.0",
                        "SECRET_KEY=****", "compose up -d (restored)", "foreign keys valid")
                .doesNotContain(NEW_SECRET).doesNotContain(OLD_SECRET);
        RunbookTests.assertChangedNothing(before, state(), dir.resolve("backups"), runner, TARGET);
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() throws Exception {
        State before = state();

        assertThatThrownBy(() -> Runbook004.deployPlan(site, "../1.3.0", Map.of()))
                .isInstanceOf(PlanDefinitionException.class).isInstanceOf(BackstepException.class)
                .hasMessageContaining("../1.3.0");
        assertThatThrownBy(() -> Runbook004.deployPlan(site, "", Map.of()))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("not an image tag");
        assertThatThrownBy(() -> site.maxErrorRate(1.5))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("maxErrorRate");
        assertThatThrownBy(() -> site.composeCommand(""))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("compose command is empty");
        assertThatThrownBy(() -> Samokoder.of(" ", site.compose(), site.migrations(), db, site.api(), site.metrics()))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("target is blank");
        assertThat(state()).isEqualTo(before);
        assertThat(dir.resolve("backups")).doesNotExist();
    }

    // --- the installation's state, as it is compared before and after ---

    /** Image id and status per service, every table's row count and content, and the .env bytes. */
    record State(Map<String, String> images, List<Fingerprint> tables, String env) {
    }

    private State state() throws Exception {
        Map<String, String> images = new LinkedHashMap<>();
        for (String service : List.of("api", "worker", "frontend")) {
            String id = DockerEngine.docker("ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project="
                    + dir.getFileName(), "--filter", "label=com.docker.compose.service=" + service).strip();
            images.put(service, id.isEmpty() ? "-" : DockerEngine.docker("inspect", "-f",
                    "{{.Image}} {{.State.Status}}", id).strip());
        }
        return new State(images, db.fingerprint(), Files.readString(env));
    }

    /** Runs {@code backstep} (the cli module's command) in its own JVM: exit code and output. */
    private String[] backstep(String[] command, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(command));
        args.addAll(List.of(more));
        RunbookTests.Exit exit = RunbookTests.runJava(Files.createTempFile(tmp, "backstep", ".log"),
                Duration.ofMinutes(2), Map.of(), dev.backstep.cli.BackstepCli.class, args.toArray(String[]::new));
        return new String[] {Integer.toString(exit.code()), exit.out()};
    }

    private String journalText() throws IOException {
        return RunbookTests.journalText(tmp.resolve("state/journal"));
    }

    private void alembic(String... args) {
        commands.run(CommandSpec.of("/usr/bin/alembic").args("-c", "alembic.ini").args(args).in(app)
                .env("SAMOKODER_DB_URL", dbUrl).timeout(Duration.ofMinutes(2)));
    }

    private void compose(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--env-file";
        all[1] = env.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        DockerEngine.compose(dir, all);
    }

    private static void waitHealthy(URI health) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(health + " did not answer 200 within 90 s");
            }
            Thread.sleep(250);
        }
    }

    /** samokoder:1.2.3 and 1.4.0 (0.5 % 5xx) and 1.3.0 (20 % 5xx), on the harness's busybox image. */
    private static synchronized void buildImages() throws Exception {
        if (imagesBuilt) {
            return;
        }
        for (String v : new String[] {"1.2.3", "1.3.0", "1.4.0"}) {
            Path ctx = Files.createTempDirectory("samokoder-image");
            Path www = Files.createDirectories(ctx.resolve("www"));
            Files.writeString(www.resolve("metrics"), v.equals("1.3.0") ? BAD : GOOD);
            Files.writeString(www.resolve("health"), "ok " + v + "\n");
            Files.writeString(www.resolve("index.html"), "samokoder " + v + "\n");
            Files.writeString(ctx.resolve("Dockerfile"), String.join("\n",
                    "FROM backstep-app:1.0",
                    "ENV VERSION=" + v,
                    "COPY www /www/",
                    ""));
            try {
                DockerEngine.docker("build", "-q", "--label", "backstep-test=1", "-t", "samokoder:" + v, ctx.toString());
            } finally {
                try (Stream<Path> s = Files.walk(ctx)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        imagesBuilt = true;
    }

    /** A Prometheus stand-in on 127.0.0.1: every request scrapes the API's /metrics and serves that text. */
    private static HttpServer prometheus(URI target) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                int status;
                String body;
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(3))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    status = r.statusCode() == 200 ? 200 : 503;
                    body = r.body();
                } catch (IOException e) {
                    status = 503;
                    body = "scrape of " + target + " failed: " + e + "\n";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 503;
                    body = "interrupted\n";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                ex.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
        return server;
    }
}
