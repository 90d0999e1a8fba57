package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.spi.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's own example, on Debian's real {@code alembic} against SQLite: {@code alembic current}
 * is captured before {@code alembic upgrade head}, and the undo is {@code alembic downgrade
 * <captured revision>}, run live and by a fresh runner from the journal alone.
 */
class AlembicCaptureTest {
    static final String ALEMBIC = "/usr/bin/alembic";

    @TempDir
    Path app;
    @TempDir
    Path state;

    @BeforeEach
    void migrationsAtTheFirstRevision() throws Exception {
        run(app, ALEMBIC, "init", "migrations");
        Path ini = app.resolve("alembic.ini");
        Files.writeString(ini, Files.readString(ini).replaceAll("(?m)^sqlalchemy\\.url = .*$",
                "sqlalchemy.url = sqlite:///app.db"));
        revision("aaa111", null, "users");
        revision("bbb222", "aaa111", "orders");
        revision("ccc333", "bbb222", "invoices");
        run(app, ALEMBIC, "upgrade", "aaa111");
    }

    private void revision(String id, String down, String table) throws IOException {
        Files.writeString(app.resolve("migrations/versions/" + id + "_" + table + ".py"), String.join("\n",
                "from alembic import op",
                "import sqlalchemy as sa",
                "revision = '" + id + "'",
                "down_revision = " + (down == null ? "None" : "'" + down + "'"),
                "branch_labels = None",
                "depends_on = None",
                "def upgrade():",
                "    op.create_table('" + table + "', sa.Column('id', sa.Integer, primary_key=True))",
                "def downgrade():",
                "    op.drop_table('" + table + "')",
                ""));
    }

    private Step upgrade() {
        return Command.of(ALEMBIC, "upgrade", "head").in(app)
                .capture("revision", Command.of(ALEMBIC, "current"), Pattern.compile("^(\\w+)", Pattern.MULTILINE))
                .compensatedBy(ALEMBIC, "downgrade", "{revision}")
                .withName("migrate");
    }

    private Runner runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal"))).build();
    }

    @Test
    void aFailedDeployDowngradesToTheCapturedRevision() throws Exception {
        Plan plan = Plan.named("deploy api").step(upgrade())
                .verify(Step.verification("health", ctx -> {
                    throw new IllegalStateException("503");
                }))
                .build();

        RunResult r = runner().run(plan);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.step("migrate").recorded()).containsEntry("captured.revision", "aaa111");
        assertThat(current()).isEqualTo("aaa111");
        assertThat(tables()).contains("users").doesNotContain("orders", "invoices");
    }

    @Test
    void aSucceededUpgradeIsDowngradedByAFreshRunnerFromTheJournalAlone() throws Exception {
        RunResult ran = runner().run(Plan.named("deploy api").step(upgrade()).build());
        assertThat(ran.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(current()).isEqualTo("ccc333 (head)");

        RunResult r = runner().rollback(ran.runId());

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(current()).isEqualTo("aaa111");
        assertThat(tables()).contains("users").doesNotContain("orders", "invoices");
    }

    private String current() throws Exception {
        return run(app, ALEMBIC, "current");
    }

    private String tables() throws Exception {
        return run(app, "/usr/bin/python3", "-c", "import sqlite3; print(sorted(r[0] for r in sqlite3.connect('app.db')"
                + ".execute(\"select name from sqlite_master where type='table'\")))");
    }

    private static String run(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(argv))).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", List.of(argv), out).isZero();
        return out.strip();
    }
}
