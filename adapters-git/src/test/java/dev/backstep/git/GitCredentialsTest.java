package dev.backstep.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Secret;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git credentials as a {@link Secret}: through GIT_ASKPASS and the environment, never argv. */
class GitCredentialsTest {
    private static final String TOKEN = "ghp-canary-51f0c2";

    @TempDir
    Path tmp;
    GitSandbox sb;
    HttpServer server;
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        sb = new GitSandbox(tmp);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"repo\"");
                ex.sendResponseHeaders(401, -1);
            } else {
                authorizations.add(auth);
                ex.sendResponseHeaders(503, -1); // authenticated, then the server is down: the fetch fails
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    @Test
    void credentialsReachGitThroughAskpassNeverArgvAndNoCredentialHelperSeesThem() throws Exception {
        Path work = sb.newRepo();
        sb.git(work, "remote", "add", "secured", "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git");
        Path helperLog = tmp.resolve("helper.log");
        Path helper = tmp.resolve("helper.sh");
        Files.writeString(helper, "#!/bin/sh\necho \"helper $*\" >> '" + helperLog + "'\ncat >> '" + helperLog + "'\n");
        helper.toFile().setExecutable(true);
        sb.git(work, "config", "credential.helper", helper.toString());
        List<List<String>> argvs = new CopyOnWriteArrayList<>();
        CommandRunner base = sb.commands();
        CommandRunner recording = spec -> {
            argvs.add(spec.argv());
            return base.run(spec);
        };
        GitFetch fetch = Git.fetch(work, "secured").credentials("ci", Secret.of(TOKEN));
        Plan plan = Plan.named("fetch").target("repo").step(fetch).build();

        RunResult r = Backstep.runner().journal(Journal.inMemory()).stateDir(tmp.resolve("state"))
                .commands(recording).build().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        String basic = Base64.getEncoder().encodeToString(("ci:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(authorizations).as("git sent the credentials from the askpass helper").contains("Basic " + basic);
        assertThat(argvs).isNotEmpty().allSatisfy(a -> assertThat(String.join(" ", a)).doesNotContain(TOKEN));
        assertThat(argvs).anySatisfy(a -> assertThat(a).containsSequence("-c", "credential.helper=", "fetch"));
        assertThat(helperLog).as("no configured credential helper was asked or told").doesNotExist();
        StringWriter trace = new StringWriter();
        r.failure().orElseThrow().printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).contains("fetch").doesNotContain(TOKEN);
        assertThat(r.report().toText()).doesNotContain(TOKEN);
        assertThat(fetch.describe()).doesNotContain(TOKEN);
    }

    @Test
    void aUrlWithCredentialsGivenAsRemoteIsRefusedWithTheCredentialsMasked() {
        Path work = sb.newRepo();
        for (String url : List.of("https://ci:" + TOKEN + "@git.example.com/shop.git",
                "https://" + TOKEN + "@git.example.com/shop.git")) {
            assertThatThrownBy(() -> Git.fetch(work, url))
                    .isInstanceOf(dev.backstep.PlanDefinitionException.class)
                    .hasMessageContaining("git.example.com/shop.git").hasMessageContaining("****")
                    .hasMessageContaining("credentials(user, Secret)")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
            assertThatThrownBy(() -> Git.pull(work, url, "main"))
                    .isInstanceOf(dev.backstep.PlanDefinitionException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        }
        // a plain URL without credentials and a remote name are still taken as they are
        assertThat(Git.fetch(work, "origin").name()).isEqualTo("git fetch origin");
    }
}
