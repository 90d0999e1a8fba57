package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Secret;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditReportTest {
    @TempDir
    Path dir;

    @Test
    void reportAndJournalShowTheMaskedDiffOfAnEdit() throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, "# app\nAPP_VERSION=1.2.0\nDB_PASSWORD=old-secret\nLEGACY=1\n");
        Journal journal = Journal.directory(dir.resolve("journal"));
        Plan plan = Plan.named("config").step(ConfigFile.edit(env).set("APP_VERSION", "1.3.0")
                .set("DB_PASSWORD", Secret.of("new-secret")).remove("LEGACY")).build();

        RunResult r = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build().run(plan);

        String text = r.report().toText();
        assertThat(text).contains("APP_VERSION=1.2.0").contains("APP_VERSION=1.3.0").contains("LEGACY")
                .contains("DB_PASSWORD=****").doesNotContain("old-secret").doesNotContain("new-secret");
        assertThat(r.report().toJson()).contains("\"summary\":\"edited ").doesNotContain("old-secret")
                .doesNotContain("new-secret");
        assertThat(journal.read(r.runId())).filteredOn(x -> x.type() == JournalRecord.Type.STEP_SUMMARY)
                .singleElement().satisfies(x -> assertThat(x.data().get("text")).contains("APP_VERSION=1.3.0")
                        .doesNotContain("new-secret").doesNotContain("old-secret"));
        journal.close();
        assertThat(Files.readString(dir.resolve("journal/runs/" + r.runId() + ".jsonl")))
                .doesNotContain("new-secret").doesNotContain("old-secret");
    }

    @Test
    void aSecretWrittenUnderAnotherKeyAndTheSecretOldValueOfARemovedKeyAreMaskedEverywhere() throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, "APP=1\nDB_URL_OLD=db://app:rotated-pw-1@db\nBACKUP_PASSWORD_COPY=x\nSPARE=rotated-pw-1\n");
        Journal journal = Journal.directory(dir.resolve("journal"));
        Secret pw = Secret.of("rotated-pw-1");
        EditStep edit = ConfigFile.edit(env).set("DB_PASSWORD", pw).set("MIRROR_ID", "rotated-pw-1")
                .remove("SPARE");
        Plan plan = Plan.named("config").step(edit).build();
        var runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state")).build();

        assertThat(edit.describe()).doesNotContain("rotated-pw-1");
        assertThat(edit.diff().toText()).contains("- SPARE=****", "+ MIRROR_ID=****")
                .doesNotContain("rotated-pw-1");
        assertThat(runner.dryRun(plan).steps()).singleElement()
                .satisfies(p -> assertThat(p.description()).contains("SPARE").doesNotContain("rotated-pw-1"));

        RunResult r = runner.run(plan);

        assertThat(Files.readString(env)).contains("MIRROR_ID=rotated-pw-1").doesNotContain("SPARE");
        assertThat(r.report().toText()).contains("SPARE").doesNotContain("rotated-pw-1");
        assertThat(r.report().toJson()).doesNotContain("rotated-pw-1");
        journal.close();
        assertThat(Files.readString(dir.resolve("journal/runs/" + r.runId() + ".jsonl"))).doesNotContain("rotated-pw-1");
    }
}
