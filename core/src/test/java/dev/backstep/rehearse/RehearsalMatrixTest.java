package dev.backstep.rehearse;

import static dev.backstep.rehearse.RehearsalTest.chmod;
import static dev.backstep.rehearse.RehearsalTest.mode;
import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Rehearsal;
import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalMatrix.Cell;
import dev.backstep.RehearsalOptions;
import dev.backstep.RehearsalRefusedException;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.report.HeadlessChromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Runner#rehearse(Plan, RehearsalOptions)} on real files and release directories. */
class RehearsalMatrixTest {
    @TempDir
    Path tmp;
    private Path base;
    private Path env;
    private Path nginx;
    private Path key;
    private Release shop;
    private Runner runner;

    @BeforeEach
    void firstRelease() throws Exception {
        base = Files.createDirectories(tmp.resolve("shop"));
        env = Files.writeString(Files.createDirectories(base.resolve("shared")).resolve(".env"), "APP_VERSION=1.2.0\n");
        chmod(env, "rw-r-----");
        nginx = Files.writeString(Files.createDirectories(tmp.resolve("nginx")).resolve("shop.conf"), "old\n");
        chmod(nginx, "rw-r--r--");
        key = Files.writeString(base.resolve("app.key"), "key-1\n");
        chmod(key, "rw-r-----");
        shop = Release.in(base);
        runner = Backstep.runner().stateDir(tmp.resolve("state")).build();
        assertThat(runner.run(Plan.named("deploy shop 1.2.0").target("shop")
                .step(shop.deploy("1.2.0", build("1.2.0"))).build()).succeeded()).isTrue();
    }

    private Plan.Builder start() {
        return Plan.named("deploy shop 1.3.0").target("shop")
                .step(ConfigFile.replace(nginx, "server { listen 80; }\n").mode("0640"))
                .step(ConfigFile.edit(env).set("APP_VERSION", "1.3.0"));
    }

    @Test
    void aFilesAndReleasePlanIsRestoredExactlyAtEveryPointThenAppliedOnce() throws Exception {
        Plan plan = start().step(shop.deploy("1.3.0", build("1.3.0"))).step(shop.markGood("1.3.0")).build();

        RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).restoredExactlyAtEveryPoint().cleanRunSucceeded();
        assertThat(m.points()).hasSize(4).allSatisfy(p -> {
            assertThat(p.run()).isPresent();
            assertThat(p.run().get().status()).isEqualTo(RunStatus.ROLLED_BACK);
            assertThat(p.run().get().failedStep()).contains(Rehearsal.FORCED_ROLLBACK_STEP);
        });
        assertThat(m.resources()).containsExactly("file:" + nginx, "file:" + env, "release:" + base);
        // point i ran exactly the first i steps and compensated them in reverse order
        assertThat(m.points().get(0).run().get().compensated()).containsExactly("replace " + nginx);
        assertThat(m.points().get(2).run().get().compensated()).containsExactly("deploy 1.3.0", "edit " + env,
                "replace " + nginx);
        assertThat(m.points().get(3).after()).containsExactly("mark 1.3.0 good");
        assertThat(shop.current()).contains("1.3.0");
        assertThat(runner.history("shop")).extracting(s -> s.status().orElseThrow()).containsExactly(
                RunStatus.SUCCEEDED, RunStatus.ROLLED_BACK, RunStatus.ROLLED_BACK, RunStatus.ROLLED_BACK,
                RunStatus.ROLLED_BACK, RunStatus.SUCCEEDED);
        assertThat(m.toText()).contains("restored exactly at every point").contains("clean run: SUCCEEDED")
                .contains("  4   after 'mark 1.3.0 good'");
    }

    @Test
    void aThirdStepWhoseCompensationLeavesTheModeChangedShowsExactlyThatPoint() throws Exception {
        Plan plan = start().step(new ForgetsModeStep(key)).step(shop.deploy("1.3.0", build("1.3.0")))
                .step(shop.markGood("1.3.0")).build();

        RehearsalMatrix m = runner.rehearse(plan, RehearsalOptions.everyStep());

        assertThat(m).notRestoredOnlyAt(3).hasDifferenceAt(3, "file:" + key + ": mode rw-r----- -> rw-------");
        assertThat(m.restoredExactlyAtEveryPoint()).isFalse();
        RehearsalMatrix.Point third = m.points().get(2);
        assertThat(third.label()).isEqualTo("after 'rotate app.key'");
        assertThat(third.differences()).containsExactly("file:" + key + ": mode rw-r----- -> rw-------");
        for (String r : m.resources()) {
            assertThat(m.points().get(0).cell(r)).isEqualTo(Cell.EQUAL);
            assertThat(m.points().get(1).cell(r)).isEqualTo(Cell.EQUAL);
            assertThat(third.cell(r)).isEqualTo(r.equals("file:" + key) ? Cell.DIFFERS : Cell.EQUAL);
            assertThat(m.points().get(3).cell(r)).isEqualTo(Cell.NOT_RUN);
        }
        assertThat(m.points().get(3).notRehearsedBecause()).hasValueSatisfying(s -> assertThat(s)
                .contains("point 3 (after 'rotate app.key') did not restore exactly"));
        assertThat(m.cleanRun()).isEmpty();
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(shop.current()).contains("1.2.0");

        String text = m.toText();
        assertThat(text).contains("NOT restored exactly at point 3 (after 'rotate app.key')")
                .contains("R3 = file:" + key)
                .contains("R3 file:" + key + ": mode rw-r----- -> rw-------")
                .contains("clean run: not run");
        assertThat(text.lines().filter(l -> l.startsWith("  3 "))).singleElement()
                .satisfies(l -> assertThat(l).contains("=   =   ≠   =").contains("ROLLED_BACK"));

        // parsed by an independent JSON parser (Python's)
        String json = m.toJson();
        assertThat(python(json, "d['restoredExactlyAtEveryPoint'], d['cleanRun']")).isEqualTo("[false, null]");
        assertThat(python(json, "[p['restoredExactly'] for p in d['points']]"))
                .isEqualTo("[true, true, false, false, false]");
        assertThat(python(json, "d['points'][2]['cells']['file:" + key + "']"))
                .isEqualTo("{\"cell\": \"DIFFERS\", \"differences\": [\"file:" + key + ": mode rw-r----- -> rw-------\"]}");
        assertThat(python(json, "d['points'][2]['cells']['file:" + env + "']['cell'], d['points'][3]['rehearsed']"))
                .isEqualTo("[\"EQUAL\", false]");

        Path page = Files.createDirectories(Path.of("target", "html-report")).resolve("rehearsal-matrix.html");
        Files.writeString(page, m.toHtml(), StandardCharsets.UTF_8);
        String dom = HeadlessChromium.dumpDom(page, tmp);
        HeadlessChromium.screenshot(page, Path.of("target", "html-report", "rehearsal-matrix.png"), tmp);
        assertThat(dom).contains("NOT restored exactly at point 3 (after 'rotate app.key')",
                "<tr class=\"point failed\" data-point=\"3\">", "<td class=\"cell-DIFFERS\">≠<br><small>mode rw-r----- -&gt; rw-------</small></td>",
                "<tr class=\"point not-run\" data-point=\"4\">", "id=\"rehearsal\"");
    }

    @Test
    void aPlanWithAPivotIsRefusedNamingTheStepBeforeAnythingRuns() throws Exception {
        Path marker = tmp.resolve("marker");
        Plan plan = start().step(Step.named("charge cards").action(ctx -> Files.writeString(marker, "charged"))
                .build().asPivot()).build();

        assertThatThrownBy(() -> runner.rehearse(plan, RehearsalOptions.everyStep()))
                .isInstanceOf(RehearsalRefusedException.class).hasMessageContaining("step 'charge cards' is a pivot")
                .satisfies(e -> assertThat(((RehearsalRefusedException) e).steps()).containsExactly("charge cards"));
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(nginx)).isEqualTo("old\n");
        assertThat(runner.history("shop")).hasSize(1);
    }

    @Test
    void withoutACleanRunThePlanIsLeftRolledBack() throws Exception {
        RehearsalMatrix m = runner.rehearse(start().build(), RehearsalOptions.everyStep().withoutCleanRun());

        assertThat(m).restoredExactlyAtEveryPoint();
        assertThat(m.cleanRun()).isEmpty();
        assertThat(Files.readString(nginx)).isEqualTo("old\n");
        assertThatThrownBy(() -> runner.rehearse(start().build(), null)).isInstanceOf(NullPointerException.class);
    }

    /** Evaluates {@code expr} over the parsed {@code json} (as {@code d}) with /usr/bin/python3; prints it as JSON. */
    private static String python(String json, String expr) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import json,sys; d=json.load(sys.stdin); r=(" + expr + "); print(json.dumps(list(r) if isinstance(r, tuple) else r, ensure_ascii=False))")
                .redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(json.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private Path build(String version) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("build-" + version));
        Files.writeString(dir.resolve("index.php"), "<?php echo '" + version + "';\n");
        return dir;
    }
}
