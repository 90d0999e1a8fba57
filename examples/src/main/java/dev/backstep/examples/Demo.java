package dev.backstep.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.check.Check;
import dev.backstep.event.RunListener;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The main job: deploys "shop" v1.3.0 in a temporary directory with real git, real files, a real
 * release symlink and real commands, while a loopback web server serves the release directory's
 * {@code current/}; the HTTP health check fails (v1.3.0 answers 503), and everything is rolled back.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples -am test-compile exec:java
 * }</pre>
 */
public final class Demo {
    private static final String TARGET = "shop@demo";
    /** The status code a {@code health} file starts with. */
    private static final Pattern STATUS = Pattern.compile("\\s*([1-5][0-9][0-9])\\b");

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("backstep-demo-");
        run(dir, System.out);
        System.out.println("\nEverything is still there to look at: " + dir);
    }

    /** Runs the demo in {@code dir}; returns the failed deploy's result. */
    public static RunResult run(Path dir, PrintStream out) throws IOException, InterruptedException {
        Sandbox shop = Sandbox.create(dir);
        HttpServer web = serve(shop.app.resolve("current"));
        URI health = URI.create("http://127.0.0.1:" + web.getAddress().getPort() + "/health");
        out.println("Backstep demo — sandbox " + dir);
        out.println("  git repository  " + shop.repo + " at tag v1.2.0");
        out.println("  releases        " + shop.app + "/current -> " + Files.readSymbolicLink(shop.app.resolve("current")));
        out.println("  shared config   " + shop.env);
        out.println("  web server      " + health.resolve("/") + " serves current/ (health: " + health + ")");
        out.println();

        Plan plan = deployPlan(shop, "v1.3.0", "1.3.0", health);
        out.println(plan.describe());

        try (Journal journal = Journal.directory(dir.resolve("state/journal"))) {
            Runner runner = Backstep.runner()
                    .journal(journal)
                    .stateDir(dir.resolve("state"))
                    .listener(RunListener.console(out))
                    .build();

            DryRun preview = runner.dryRun(plan);
            out.println(preview.toText());

            out.println("Deploying for real (the new release's health endpoint answers 503):");
            RunResult result = runner.run(plan);
            out.println();
            out.println(result.report().toText());
            Path html = dir.resolve("report-" + result.runId().value() + ".html");
            Files.writeString(html, result.report().toHtml());
            out.println("HTML report (open in a browser, or keep as a CI artifact): " + html.toUri());
            out.println();

            out.println("After the rollback:");
            out.println("  git HEAD        " + shop.describeHead());
            out.println("  current ->      " + Files.readSymbolicLink(shop.app.resolve("current")));
            out.println("  releases        " + Release.in(shop.app).list().stream()
                    .map(r -> r.version() + (r.current() ? " (current)" : "")).toList());
            out.println("  " + shop.env.getFileName() + "            "
                    + Files.readString(shop.env).strip().replace("\n", " | ").replace("hunter2", Secret.MASK));
            HttpResponse<String> after = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            out.println("  GET /health     " + after.statusCode() + " (" + after.body().strip() + ")");
            out.println();
            out.println("The journal remembers every run of " + TARGET + " (a later process can roll back or recover):");
            for (RunSummary s : runner.history(TARGET)) {
                out.println("  " + s.runId() + "  " + s.planName() + "  " + s.status().map(Enum::name).orElse("unfinished"));
            }
            return result;
        } finally {
            web.stop(0);
        }
    }

    /** The deploy: code from git, a release switch, a config change, a cache command, then verification. */
    static Plan deployPlan(Sandbox shop, String tag, String version, URI health) {
        return Plan.named("deploy shop " + tag).target(TARGET)
                .step(Git.checkout(shop.repo, tag))
                .step(Release.in(shop.app).deploy(version, shop.repo.resolve("public")))
                .step(ConfigFile.edit(shop.env).set("APP_VERSION", version)
                        .set("DB_PASSWORD", Secret.of("hunter2-rotated")).withName("configure .env"))
                .step(Command.of("mkdir", "-p", shop.app.resolve("cache/" + version).toString())
                        .compensatedBy("rm", "-rf", shop.app.resolve("cache/" + version).toString())
                        .in(shop.app).withName("warm cache"))
                .verify(Check.http(health).status(200)
                        .within(Duration.ofSeconds(2)).every(Duration.ofMillis(200)).withName("health check"))
                .build();
    }

    /**
     * A web server on 127.0.0.1 and a free port serving {@code current} (a symlink, followed at
     * each request): {@code /health} answers with the status code its {@code health} file starts
     * with ({@code 503 Service Unavailable: ...}), {@code /metrics} with its file as Prometheus
     * text, other paths with the file or 404. The demo's and runbook 003's stand-in for nginx.
     *
     * <pre>{@code
     * HttpServer web = Demo.serve(app.resolve("current"));
     * URI health = URI.create("http://127.0.0.1:" + web.getAddress().getPort() + "/health");
     * }</pre>
     */
    public static HttpServer serve(Path current) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                Path file = current.resolve(path.equals("/") ? "index.html" : path.substring(1)).normalize();
                if (!file.startsWith(current) || !Files.isRegularFile(file)) {
                    respond(ex, 404, "not found\n");
                } else if (path.equals("/health")) {
                    String body = Files.readString(file);
                    Matcher code = STATUS.matcher(body);
                    respond(ex, code.lookingAt() ? Integer.parseInt(code.group(1)) : 500, body);
                } else {
                    if (path.equals("/metrics")) {
                        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                    }
                    respond(ex, 200, Files.readString(file));
                }
            }
        });
        server.start();
        return server;
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** A git repository with two tagged releases and a release directory serving v1.2.0. */
    static final class Sandbox {
        final Path repo;
        final Path app;
        final Path env;
        private final CommandRunner commands = CommandRunner.local();

        private Sandbox(Path dir) {
            this.repo = dir.resolve("shop-src");
            this.app = dir.resolve("srv/shop");
            this.env = app.resolve("shared.env");
        }

        static Sandbox create(Path dir) throws IOException {
            Sandbox s = new Sandbox(dir);
            Files.createDirectories(s.repo.resolve("public"));
            s.git("init", "-q", "-b", "main");
            s.commit("v1.2.0", "<h1>shop 1.2.0</h1>\n", "200 OK\n");
            s.commit("v1.3.0", "<h1>shop 1.3.0 — new checkout flow</h1>\n",
                    "503 Service Unavailable: payment provider timeout\n");
            s.git("checkout", "-q", "v1.2.0");
            Files.createDirectories(s.app.resolve("releases"));
            Files.createDirectories(s.app.resolve("releases/1.2.0"));
            Files.copy(s.repo.resolve("public/index.html"), s.app.resolve("releases/1.2.0/index.html"));
            Files.copy(s.repo.resolve("public/health"), s.app.resolve("releases/1.2.0/health"));
            Files.createSymbolicLink(s.app.resolve("current"), Path.of("releases/1.2.0"));
            Files.writeString(s.env, "# shop configuration\nAPP_VERSION=1.2.0\nDB_PASSWORD=hunter2\n");
            return s;
        }

        private void commit(String tag, String index, String health) throws IOException {
            Files.writeString(repo.resolve("public/index.html"), index);
            Files.writeString(repo.resolve("public/health"), health);
            git("add", "-A");
            git("commit", "-q", "-m", "release " + tag);
            git("tag", tag);
        }

        String describeHead() {
            return git("log", "-1", "--format=%h %s").strip() + " (" + git("describe", "--tags").strip() + ")";
        }

        private String git(String... args) {
            CommandSpec spec = CommandSpec.of("git").args(args).in(repo)
                    .env("GIT_AUTHOR_NAME", "Backstep Demo").env("GIT_AUTHOR_EMAIL", "demo@backstep.dev")
                    .env("GIT_COMMITTER_NAME", "Backstep Demo").env("GIT_COMMITTER_EMAIL", "demo@backstep.dev")
                    .env("GIT_CONFIG_NOSYSTEM", "1");
            return commands.run(spec).stdout();
        }
    }
}
