package dev.backstep.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.check.Check;
import dev.backstep.files.ConfigFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report().toHtml()} of real runs on real files, rendered by a real headless chromium. */
class HtmlReportTest {
    /** Screenshots and pages kept as test output (CI artifacts). */
    static final Path OUT = Path.of("target", "html-report");

    @TempDir
    Path dir;

    private RunResult rolledBackRun() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Path env = Files.writeString(app.resolve(".env"), "DB=old\n");
        Path nginx = Files.writeString(app.resolve("nginx.conf"), "listen 80;\n");
        Plan plan = Plan.named("deploy <shop> v1.3.0").target("shop")
                .step(ConfigFile.replace(env, "DB=new\n"))
                .step(ConfigFile.replace(nginx, "listen 8080;\n"))
                .verify(Step.verification("health", ctx -> {
                    throw new BackstepException("GET /health: expected status <200> but was <503>");
                }))
                .verifyAfterRollback(Check.that("env restored", ctx -> {
                    if (!Files.readString(env).equals("DB=old\n")) {
                        throw new BackstepException(".env not restored");
                    }
                }))
                .build();
        RunResult r = Backstep.runner().stateDir(dir.resolve("state")).build().run(plan);
        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        return r;
    }

    private static List<String> timelineRows(String dom) {
        Matcher m = Pattern.compile("<tr class=\"event [^\"]*\" data-phase=\"([^\"]*)\" data-step=\"([^\"]*)\"")
                .matcher(dom);
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + ":" + m.group(2));
        }
        return rows;
    }

    @Test
    void aRolledBackRunRendersInChromiumWithTheFailedStepAndItsCompensationsInOrder() throws Exception {
        RunResult r = rolledBackRun();
        String nginxStep = r.steps().get(1).name();
        String envStep = r.steps().get(0).name();

        String html = r.report().toHtml();
        Files.createDirectories(OUT);
        Path page = OUT.resolve("rolled-back.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        String dom = HeadlessChromium.dumpDom(page, dir);
        Path png = OUT.resolve("rolled-back.png");
        Files.deleteIfExists(png);
        HeadlessChromium.screenshot(page, png, dir);

        assertThat(dom).contains("id=\"status\" class=\"status status-ROLLED_BACK\">ROLLED_BACK</span>")
                .contains("<b id=\"failed-step\">health</b>")
                .contains("GET /health: expected status &lt;200&gt; but was &lt;503&gt;")
                .contains("<h1>deploy &lt;shop&gt; v1.3.0</h1>")
                .contains("<svg").contains("class=\"plan-step\" data-step=\"health\"")
                .contains("to rollback finished and verified after the rollback");
        assertThat(dom).containsPattern("RTO <strong id=\"rto\">\\d+ ms</strong>");
        assertThat(timelineRows(dom)).containsExactly("step:" + envStep, "step:" + nginxStep, "verify:health",
                "undo:" + nginxStep, "undo:" + envStep, "verify after rollback:env restored");
        assertThat(dom).containsPattern("data-phase=\"verify\" data-step=\"health\">.*<b class=\"bad\">failed</b>");
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("screenshot size").isGreaterThan(10_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void thePageIsSelfContainedAndEscapesEverythingItShows() throws Exception {
        Plan plan = Plan.named("p").step(Step.named("<img src=x onerror=alert(1)>").action(ctx -> { }).compensation(ctx -> { }).build()).verify(
                Step.verification("check \"quoted\"", ctx -> {
                    throw new BackstepException("<script>alert('x')</script>");
                })).build();
        RunResult r = Backstep.runner().stateDir(dir.resolve("state")).build().run(plan);

        String html = r.report().toHtml();

        assertThat(html).startsWith("<!DOCTYPE html>").contains("Content-Security-Policy")
                .doesNotContain("<script").doesNotContain("<img").doesNotContain(" src=\"").doesNotContain("href=")
                .doesNotContain("<link").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("data-step=\"check &quot;quoted&quot;\"");
    }

    @Test
    void aSucceededRunHasNoRecoverySectionAndAFailedRollbackIsNotRecovered() throws Exception {
        RunResult ok = Backstep.runner().stateDir(dir.resolve("s1")).build()
                .run(Plan.named("ok").step(Step.named("a").action(ctx -> { }).compensation(ctx -> { }).build()).build());
        assertThat(ok.report().toHtml()).contains("status-SUCCEEDED").doesNotContain("id=\"recovery\"")
                .doesNotContain("id=\"failures\"");

        Plan plan = Plan.named("bad").step(Step.named("a").action(ctx -> { }).compensation(ctx -> {
            throw new BackstepException("cannot undo a");
        }).build()).verify(Step.verification("v", ctx -> {
            throw new BackstepException("v failed");
        })).build();
        RunResult bad = Backstep.runner().stateDir(dir.resolve("s2")).build().run(plan);
        assertThat(bad.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(bad.report().toHtml()).contains("<strong id=\"rto\" class=\"bad\">not recovered</strong>")
                .contains("still applied: a").contains("id=\"still-applied\"").contains("cannot undo a");
    }
}
