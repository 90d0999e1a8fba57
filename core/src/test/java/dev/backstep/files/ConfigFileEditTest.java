package dev.backstep.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.testkit.StepHarness;
import dev.backstep.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileEditTest {
    private static final String ENV = """
            # Shop configuration
            APP_NAME="My Shop"
            APP_VERSION=1.2.0

            # database
            DB_HOST=localhost
            DB_PASSWORD=hunter2
            DATABASE_URL=postgres://shop:s3cr3t@db:5432/shop
            export API_TOKEN=abc123
            LEGACY_MODE=true
            UNPARSEABLE LINE stays
            """;

    @TempDir
    Path tmp;

    private Path env(String content) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("app"));
        Path f = dir.resolve(".env");
        Files.writeString(f, content);
        Fs.chmod(f, "0640");
        return f;
    }

    @Test
    void editKeepsCommentsOrderBlankLinesAndUnrelatedLinesAndAppendsNewKeys() throws Exception {
        Path file = env(ENV);
        EditStep step = ConfigFile.edit(file).set("APP_VERSION", "1.3.0").set("APP_NAME", "New Shop")
                .set("FEATURE_X", "on").remove("LEGACY_MODE").set("API_TOKEN", "xyz789");
        StepHarness h = Fs.harness(step, tmp);
        h.validate();
        h.execute();

        assertThat(Files.readString(file)).isEqualTo("""
                # Shop configuration
                APP_NAME="New Shop"
                APP_VERSION=1.3.0

                # database
                DB_HOST=localhost
                DB_PASSWORD=hunter2
                DATABASE_URL=postgres://shop:s3cr3t@db:5432/shop
                export API_TOKEN=xyz789
                UNPARSEABLE LINE stays
                FEATURE_X=on
                """);
        assertThat(Fs.mode(file)).isEqualTo("0640");
    }

    @Test
    void compensationRestoresTheEditedFileByteForByte() throws Exception {
        byte[] original = ("A=1\r\n# caf\u00e9\r\nB=2\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Path file = env("");
        Files.write(file, original);
        EditStep step = ConfigFile.edit(file).set("B", "3").set("C", "4");
        StepHarness h = Fs.harness(step, tmp).execute();
        assertThat(Files.readAllBytes(file)).isEqualTo(("A=1\r\n# caf\u00e9\r\nB=3\r\nC=4\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));

        h.compensate();
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(Fs.mode(file)).isEqualTo("0640");
    }

    @Test
    void valuesThatNeedQuotingAreQuotedAndMultiLineValuesAreKeptWhole() throws Exception {
        Path file = env("""
                KEY_PEM="-----BEGIN KEY-----
                abc
                -----END KEY-----"
                NAME=x
                """);
        EditStep step = ConfigFile.edit(file).set("NAME", "two words").set("GREETING", "it's here")
                .set("QUOTED", "'as given'");
        Fs.harness(step, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo("""
                KEY_PEM="-----BEGIN KEY-----
                abc
                -----END KEY-----"
                NAME='two words'
                GREETING="it's here"
                QUOTED='as given'
                """);
    }

    @Test
    void aPropertiesFileKeepsItsSeparatorsCommentsAndContinuations() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("app"));
        Path file = dir.resolve("app.properties");
        Files.writeString(file, """
                ! legacy comment
                server.port: 8080
                spring.datasource.password = secret
                long.list = a, \\
                    b, \\
                    c
                old.key=1
                """);
        EditStep step = ConfigFile.edit(file).set("server.port", "9090").set("long.list", "x")
                .remove("old.key").set("new.key", "v");
        Fs.harness(step, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo("""
                ! legacy comment
                server.port: 9090
                spring.datasource.password = secret
                long.list = x
                new.key=v
                """);
    }

    @Test
    void previewShowsAMaskedDiffAndDescribeMasksSecrets() throws Exception {
        Path file = env(ENV);
        EditStep step = ConfigFile.edit(file).set("APP_VERSION", "1.3.0").set("DB_PASSWORD", "swordfish")
                .set("DATABASE_URL", "postgres://shop:n3w@db:5432/shop").set("MAIL_FROM", Secret.of("plain-secret"))
                .remove("LEGACY_MODE");
        String preview = StepHarness.of(step).preview();

        assertThat(preview).isEqualTo("edit " + file.toRealPath() + ":\n"
                + "- APP_VERSION=1.2.0\n"
                + "+ APP_VERSION=1.3.0\n"
                + "- DB_PASSWORD=****\n"
                + "+ DB_PASSWORD=****\n"
                + "- DATABASE_URL=postgres://shop:****@db:5432/shop\n"
                + "+ DATABASE_URL=postgres://shop:****@db:5432/shop\n"
                + "- LEGACY_MODE=true\n"
                + "+ MAIL_FROM=****\n");
        assertThat(step.describe()).contains("set APP_VERSION=1.3.0", "set DB_PASSWORD=****",
                "set DATABASE_URL=postgres://shop:****@db:5432/shop", "set MAIL_FROM=****", "remove LEGACY_MODE");
        for (String clear : new String[] {"hunter2", "swordfish", "s3cr3t", "n3w", "plain-secret"}) {
            assertThat(preview).doesNotContain(clear);
            assertThat(step.describe()).doesNotContain(clear);
            assertThat(step.toString()).doesNotContain(clear);
        }
        assertThat(Files.readString(file)).isEqualTo(ENV);
    }

    @Test
    void envDiffMasksSecretKeysAndUrlCredentials() {
        EnvDiff diff = EnvDiff.between("A=1\nSTRIPE_SECRET=sk_live\nREDIS_URL=redis://:pw@r:6379\n# c\n",
                "# changed comment\nA=2\nSTRIPE_SECRET=sk_test\nREDIS_URL=redis://:pw@r:6379\nAWS_ACCESS_KEY_ID=AKIA\n");
        assertThat(diff.changes()).extracting(EnvDiff.Change::kind)
                .containsExactly(EnvDiff.Kind.CHANGED, EnvDiff.Kind.CHANGED, EnvDiff.Kind.ADDED);
        assertThat(diff.toText()).isEqualTo("""
                - A=1
                + A=2
                - STRIPE_SECRET=****
                + STRIPE_SECRET=****
                + AWS_ACCESS_KEY_ID=****
                """);
        assertThat(EnvDiff.between("A=1\n# x\n", "# y\nA=1\n").isEmpty()).isTrue();
        assertThat(EnvDiff.mask("HOME_URL", "https://deploy:tok@git.example.com/x"))
                .isEqualTo("https://deploy:****@git.example.com/x");
        assertThat(EnvDiff.isSecretKey("db_password")).isTrue();
        assertThat(EnvDiff.isSecretKey("APP_VERSION")).isFalse();
    }

    @Test
    void envDiffOfTwoFilesComparesThem() throws Exception {
        Path a = Files.writeString(tmp.resolve(".env.prod.previous"), "A=1\nTOKEN=x\n");
        Path b = Files.writeString(tmp.resolve(".env.prod"), "A=1\nTOKEN=y\n");
        assertThat(EnvDiff.of(a, b).toText()).isEqualTo("- TOKEN=****\n+ TOKEN=****\n");
    }

    @Test
    void aMissingFileIsAValidationErrorUnlessCreateIfMissing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("app"));
        Path file = dir.resolve(".env");
        EditStep step = ConfigFile.edit(file).set("A", "1");
        Fs.assertInvalid(step, file + " does not exist");

        EditStep create = step.createIfMissing();
        StepHarness h = Fs.harness(create, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo("A=1\n");
        assertThat(Fs.mode(file)).isEqualTo("0600");
        h.compensate();
        assertThat(file).doesNotExist();
    }

    @Test
    void badKeysValuesAndEmptyEditsAreRejected() throws Exception {
        Path file = env(ENV);
        assertThatThrownBy(() -> ConfigFile.edit(file).set("BAD KEY", "x"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("invalid key 'BAD KEY'");
        assertThatThrownBy(() -> ConfigFile.edit(file).set("A", "x\nINJECTED=1"))
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("line break");
        assertThatThrownBy(() -> ConfigFile.edit(file).remove("=x"))
                .isInstanceOf(PlanDefinitionException.class);
        EditStep empty = ConfigFile.edit(file);
        Fs.assertInvalid(empty, "nothing to edit");
    }

    @Test
    void removingAnAbsentKeyChangesNothing() throws Exception {
        Path file = env(ENV);
        EditStep step = ConfigFile.edit(file).remove("NOT_THERE");
        assertThat(step.diff().isEmpty()).isTrue();
        Fs.harness(step, tmp).execute();
        assertThat(Files.readString(file)).isEqualTo(ENV);
        assertThat(step.type()).isEqualTo("files.edit");
        assertThat(ConfigFile.compensations()).containsKey("files.edit");
    }
}
