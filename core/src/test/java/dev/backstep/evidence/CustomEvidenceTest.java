package dev.backstep.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.Evidence;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Evidence.Custom}: an adapter's kind, here a real {@code dd} process writing binary bytes
 * into the capture's file, rebuilt through a {@link dev.backstep.spi.EvidenceTypeProvider}.
 */
class CustomEvidenceTest {
    @TempDir
    Path tmp;
    private Path conf;
    private Path state;

    @BeforeEach
    void setUp() throws Exception {
        conf = Files.writeString(tmp.resolve("shop.conf"), "listen 80;\n");
        state = tmp.resolve("state");
    }

    private Runner runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(tmp.resolve("journal"))).build();
    }

    private Plan failing(Evidence... evidence) {
        return Plan.named("p").target("shop").step(ConfigFile.replace(conf, "listen 8080;\n"))
                .verify(Step.verification("health", ctx -> {
                    throw new BackstepException("503");
                }))
                .evidence(evidence).build();
    }

    @Test
    void aLaterRollbackRebuildsTheKindFromItsProviderAndKeepsItsBytesOwnerOnlyAndUnmasked() throws Exception {
        Path data = tmp.resolve("data.bin");
        byte[] bytes = new byte[3000];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(data, bytes);
        RunResult ok = runner().run(Plan.named("p").target("shop").step(ConfigFile.replace(conf, "listen 8080;\n"))
                .evidence(new TestEvidenceTypes.Dd(data.toString(), "3", 1 << 20, Duration.ofMinutes(2))).build());
        assertThat(ok.succeeded()).isTrue();

        RunResult back = runner().rollback(ok.runId());

        assertThat(back.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(back.evidence()).singleElement().satisfies(c -> {
            assertThat(c.what()).isEqualTo("dd " + data);
            assertThat(c.succeeded()).as(c.toString()).isTrue();
            assertThat(c.bytes()).isEqualTo(3000);
            Path f = c.file().orElseThrow();
            assertThat(f.getFileName().toString()).isEqualTo("01-test.dd.raw");
            assertThat(f).startsWith(state.resolve("runs").resolve(ok.runId().value()).resolve("evidence"));
            assertThat(Files.readAllBytes(f)).isEqualTo(bytes);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())))
                    .isEqualTo("rwx------");
            assertThat(back.report().toText()).contains("evidence: dd " + data + " -> " + f);
            assertThat(back.report().toJson()).contains("\"file\":\"" + f + "\"");
            assertThat(back.report().toHtml()).contains(f.toUri().toString());
        });
    }

    @Test
    void aCaptureGrowingPastItsBoundIsKilledDeletedAndReportedAndTheRollbackGoesOn() throws Exception {
        long t0 = System.nanoTime();
        RunResult r = runner().run(failing(
                new TestEvidenceTypes.Dd("/dev/zero", null, 256 * 1024, Duration.ofMinutes(5)),
                Evidence.file(conf)));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMinutes(2));
        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(conf)).isEqualTo("listen 80;\n");
        assertThat(r.evidence()).hasSize(2);
        Evidence.Captured dd = r.evidence().get(0);
        assertThat(dd.succeeded()).isFalse();
        assertThat(dd.truncated()).isTrue();
        assertThat(dd.file()).isEmpty();
        assertThat(dd.error()).hasValueSatisfying(e -> assertThat(e).contains("bound of 262144 bytes")
                .contains("refused"));
        Path dir = r.evidence().get(1).file().orElseThrow().getParent();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain("01-test.dd.raw");
        }
        assertThat(r.report().toText()).contains("evidence: dd /dev/zero -> (none)").contains("bound of 262144");
    }

    @Test
    void aCaptureOutlivingItsTimeoutIsStoppedAndReported() throws Exception {
        long t0 = System.nanoTime();
        // a fifo nobody writes to: dd blocks on opening it, writing nothing
        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        RunResult r = runner().run(failing(new TestEvidenceTypes.Dd(fifo.toString(), "1", 1000,
                Duration.ofSeconds(1))));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMinutes(2));
        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.evidence()).singleElement().satisfies(c -> {
            assertThat(c.error()).hasValueSatisfying(e -> assertThat(e).contains("timed out after PT1S"));
            assertThat(c.file()).isEmpty();
        });
    }

    @Test
    void aKindNoProviderRebuildsIsReportedFailedAndTheRollbackGoesOn() throws Exception {
        RunResult r = runner().run(failing(new TestEvidenceTypes.Unknown(), Evidence.file(conf)));

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(r.evidence()).hasSize(2);
        assertThat(r.evidence().get(0).error()).hasValueSatisfying(e ->
                assertThat(e).contains("no provider of evidence type 'test.not-provided'"));
        assertThat(r.evidence().get(1).file().orElseThrow()).hasContent("listen 8080;");
    }
}
