package dev.backstep.examples;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.DryRun;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.event.RunListener;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.Journal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main job: deploys "shop" v1.3.0 in a temporary directory with real git, real files, a real
 * release symlink and real commands; the health check fails, and everything is rolled back.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples -am compile exec:java
 * }</pre>
 */
public final class Demo {
    private static final String TARGET = "shop@demo";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("backstep-demo-");
        run(dir, System.out);
        System.out.println("\nEverything is still there to look at: " + dir);
    }

    /** Runs the demo in {@code dir}; returns the failed deploy's result. */
    public static RunResult run(Path dir, PrintStream out) throws IOException {
        Sandbox shop = Sandbox.create(dir);
        out.println("Backstep demo — sandbox " + dir);
        out.println("  git repository  " + shop.repo + " at tag v1.2.0");
        out.println("  releases        " + shop.app + "/current -> " + Files.readSymbolicLink(shop.app.resolve("current")));
        out.println("  shared config   " + shop.env);
        out.println();

        Plan plan = deployPlan(shop, "v1.3.0", "1.3.0");
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

            out.println("After the rollback:");
            out.println("  git HEAD        " + shop.describeHead());
            out.println("  current ->      " + Files.readSymbolicLink(shop.app.resolve("current")));
            out.println("  releases        " + Release.in(shop.app).list().stream()
                    .map(r -> r.version() + (r.current() ? " (current)" : "")).toList());
            out.println("  " + shop.env.getFileName() + "            "
                    + Files.readString(shop.env).strip().replace("\n", " | ").replace("hunter2", Secret.MASK));
            out.println();
            out.println("The journal remembers every run of " + TARGET + " (a later process can roll back or recover):");
            for (RunSummary s : runner.history(TARGET)) {
                out.println("  " + s.runId() + "  " + s.planName() + "  " + s.status().map(Enum::name).orElse("unfinished"));
            }
            return result;
        }
    }

    /** The deploy: code from git, a release switch, a config change, a cache command, then verification. */
    static Plan deployPlan(Sandbox shop, String tag, String version) {
        return Plan.named("deploy shop " + tag).target(TARGET)
                .step(Git.checkout(shop.repo, tag))
                .step(Release.in(shop.app).deploy(version, shop.repo.resolve("public")))
                .step(ConfigFile.edit(shop.env).set("APP_VERSION", version)
                        .set("DB_PASSWORD", Secret.of("hunter2-rotated")).withName("configure .env"))
                .step(Command.of("mkdir", "-p", shop.app.resolve("cache/" + version).toString())
                        .compensatedBy("rm", "-rf", shop.app.resolve("cache/" + version).toString())
                        .in(shop.app).named("warm cache"))
                .verify(Step.verification("health check", ctx -> {
                    String health = Files.readString(shop.app.resolve("current/health")).strip();
                    if (!health.startsWith("200")) {
                        throw new IllegalStateException("GET /health: expected 200 but was " + health);
                    }
                }))
                .build();
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
