package dev.backstep.examples;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalOptions;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.db.Database;
import dev.backstep.db.Db;
import dev.backstep.db.DbConnection;
import dev.backstep.db.journal.PostgresServer;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, part 1, on one plan that touches a real git repository, files, a release and a real
 * PostgreSQL: every failure point is rolled back exactly; a third step whose compensation forgets
 * a file mode shows exactly that point in the matrix.
 */
class EveryFailurePointIT {
    @RegisterExtension
    static final PostgresServer pg = new PostgresServer();
    @TempDir
    Path tmp;
    Path repo;
    Path srv;
    Path conf;
    Release shop;
    Database db;
    Runner runner;
    final CommandRunner commands = CommandRunner.local();

    @BeforeEach
    void setUp() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        git("init", "-q", "-b", "main");
        Files.writeString(repo.resolve("app.txt"), "v1\n");
        git("add", "app.txt");
        git("commit", "-q", "-m", "first");
        git("tag", "v1.0.0");
        Files.writeString(repo.resolve("app.txt"), "v2\n");
        git("commit", "-q", "-am", "second");
        srv = Files.createDirectories(tmp.resolve("srv"));
        conf = Files.writeString(srv.resolve("shop.conf"), "listen 80;\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        shop = Release.in(srv);
        db = Db.postgres(DbConnection.withoutPassword("localhost", pg.getPort(), "postgres", "postgres"));
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, total INT)");
            s.execute("INSERT INTO orders VALUES (1, 100), (2, 250), (3, 75)");
        }
        runner = Backstep.runner().stateDir(tmp.resolve("state")).build();
        assertThat(runner.run(Plan.named("first").target("shop").step(shop.deploy("2.0.0", build("2.0.0"))).build()))
                .succeeded();
    }

    Connection admin() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "");
    }

    String git(String... args) {
        return commands.run(CommandSpec.of("git").args(args).in(repo)
                .env("GIT_AUTHOR_NAME", "t").env("GIT_AUTHOR_EMAIL", "t@backstep.dev")
                .env("GIT_COMMITTER_NAME", "t").env("GIT_COMMITTER_EMAIL", "t@backstep.dev")
                .env("GIT_CONFIG_NOSYSTEM", "1")).stdout().strip();
    }

    Path build(String version) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(dir.resolve("index.php"), "<?php echo '" + version + "';\n");
        return dir;
    }

    Step addOrder() {
        return db.sql("INSERT INTO orders VALUES (4, 5)").compensatedBy("DELETE FROM orders WHERE id = 4");
    }

    @Test
    void everyFailurePointOfAGitFilesReleaseAndDatabasePlanIsRestoredExactlyThenAppliedOnce() throws Exception {
        String head = git("rev-parse", "HEAD");
        Plan plan = Plan.named("deploy shop 1.0.0").target("shop")
                .step(ConfigFile.replace(conf, "listen 8080;\n").mode("0640"))
                .step(shop.deploy("1.0.0", build("1.0.0")))
                .step(Git.checkout(repo, "v1.0.0"))
                .step(addOrder())
                .build();

        RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).restoredExactlyAtEveryPoint().cleanRunSucceeded();
        assertThat(m.points()).hasSize(4);
        assertThat(m.resources()).anyMatch(r -> r.startsWith("file:")).anyMatch(r -> r.startsWith("release:"))
                .anyMatch(r -> r.startsWith("git:")).anyMatch(r -> r.startsWith("db:") && r.contains("orders"));
        assertThat(m.toText()).contains("after 'deploy 1.0.0'");
        assertThat(m.toJson()).startsWith("{");
        // the clean run applied the plan once
        assertThat(git("rev-parse", "HEAD")).isNotEqualTo(head).isEqualTo(git("rev-parse", "v1.0.0"));
        assertThat(shop.current()).contains("1.0.0");
        try (Connection c = admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
        }
    }

    @Test
    void aThirdStepWhoseCompensationLeavesAFileModeChangedShowsExactlyThatPoint() throws Exception {
        Path key = Files.writeString(srv.resolve("app.key"), "key-1\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        Step sloppy = Step.named("rotate app.key").action(ctx -> {
            ctx.record("previous", Files.readString(key));
            Path next = key.resolveSibling("app.key.new");
            Files.writeString(next, "key-2\n");
            Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
            Files.move(next, key, StandardCopyOption.ATOMIC_MOVE);
        }).compensation(ctx -> {
            if (ctx.recorded("previous").isPresent()) {
                Files.writeString(key, ctx.recorded("previous").get()); // forgets the mode the key had
            }
        }).fingerprint(ctx -> List.of(new Fingerprint("file:" + key, Map.of("content", Files.readString(key).strip(),
                "mode", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))))).build();
        Plan plan = Plan.named("rotate").target("shop")
                .step(Git.checkout(repo, "v1.0.0"))
                .step(addOrder())
                .step(sloppy)
                .step(shop.deploy("1.0.0", build("1.0.0")))
                .build();

        RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).notRestoredOnlyAt(3).hasDifferenceAt(3, "file:" + key + ": mode rw-r----- -> rw-------");
        assertThat(m.points().get(2).differences()).containsExactly("file:" + key + ": mode rw-r----- -> rw-------");
    }
}
