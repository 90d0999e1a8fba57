package dev.backstep.examples;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
    @TempDir
    Path dir;

    @Test
    void demoDeploysFailsItsHealthCheckAndRollsEverythingBack() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();

        RunResult result = Demo.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));

        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result).rolledBack().failedAt("health check")
                .compensated("warm cache", "configure .env", "deploy 1.3.0", "git checkout v1.3.0");
        assertThat(Files.readSymbolicLink(dir.resolve("srv/shop/current"))).isEqualTo(Path.of("releases/1.2.0"));
        assertThat(dir.resolve("srv/shop/releases/1.3.0")).doesNotExist();
        assertThat(dir.resolve("srv/shop/cache/1.3.0")).doesNotExist();
        assertThat(dir.resolve("srv/shop/shared.env"))
                .hasContent("# shop configuration\nAPP_VERSION=1.2.0\nDB_PASSWORD=hunter2");
        assertThat(dir.resolve("shop-src/public/health")).hasContent("200 OK");
        assertThat(out).contains("nothing will be executed").contains("rolling back").contains("ROLLED_BACK")
                .contains("v1.2.0").doesNotContain("hunter2");
        // a loaded machine may fit only one attempt into the check's 2 s: then the message has no summary
        assertThat(out).containsPattern("(?m)GET http://127\\.0\\.0\\.1:\\d+/health: expected status <200> but was <503> "
                + "\\(body: \"503 Service Unavailable: payment provider timeout\"\\)( \\[\\d+ attempts within 2 s; "
                + "last [123]: <503>(, <503>){0,2}])?$");
        assertThat(out).contains("GET /health     200 (200 OK)");
        java.nio.file.Path html = dir.resolve("report-" + result.runId().value() + ".html");
        assertThat(out).contains("HTML report (open in a browser, or keep as a CI artifact): " + html.toUri());
        assertThat(Files.readString(html)).contains("status-ROLLED_BACK").contains("health check")
                .doesNotContain("hunter2");
    }
}
